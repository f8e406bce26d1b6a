"""Reads for the security administrator: locked accounts and privileged accounts without a second factor."""

from __future__ import annotations

from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts.models import AdminRole, User
from zhiban.accounts.second_factor import ROLES_REQUIRING_SECOND_FACTOR


@dataclass(frozen=True)
class LockedAccount:
    username: str
    failures: int
    last_attempt: object


def require_security_admin(user: User) -> None:
    if not (user.is_authenticated and (user.is_superuser or user.admin_role == AdminRole.SECURITY)):
        raise PermissionDenied


def locked_accounts(*, user: User) -> list[LockedAccount]:
    require_security_admin(user)
    rows = (
        AccessAttempt.objects.values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    return [LockedAccount(r["username"] or "", r["failures"], r["last_attempt"]) for r in rows]


def accounts_missing_second_factor(*, user: User) -> list[User]:
    require_security_admin(user)
    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    privileged = User.objects.filter(is_active=True).exclude(pk__in=with_device)
    needing = privileged.exclude(admin_role="") | privileged.filter(
        person__roles__role__in=ROLES_REQUIRING_SECOND_FACTOR
    )
    return list(needing.distinct().order_by("username"))
