"""Writes on accounts: creating accounts, access tokens, second-factor devices. Each is audited."""

from __future__ import annotations

import datetime as dt

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts.models import AccessToken, AdminRole, User
from zhiban.accounts.second_factor import requires_second_factor
from zhiban.core import audit, clock
from zhiban.core.secret_tokens import digest, new_secret

TOKEN_PREFIX = "zb_"


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, password: str, admin_role: str = AdminRole.NONE, email: str = ""
) -> User:
    if admin_role not in AdminRole.values:
        raise ValidationError({"admin_role": f"unknown administrator role {admin_role!r}"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"the username {username!r} is taken"})
    user = User(username=username, admin_role=admin_role, email=email)
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor,
        action="accounts.user.create",
        object_type="user",
        object_id=user.public_id,
        after={"username": username, "admin_role": admin_role},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    if user.pk == actor.pk and not active:
        raise ValidationError({"is_active": "you cannot deactivate your own account"})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="accounts.user.activate" if active else "accounts.user.deactivate",
            object_type="user",
            object_id=user.public_id,
            after={"username": user.username, "is_active": active},
        )
    return user


@transaction.atomic
def user_set_admin_role(*, actor: User | None, user: User, admin_role: str) -> User:
    """One field holds the administrator role: system, security and audit cannot be combined."""
    if admin_role not in AdminRole.values:
        raise ValidationError({"admin_role": f"unknown administrator role {admin_role!r}"})
    user = User.objects.select_for_update().get(pk=user.pk)
    before = user.admin_role
    user.admin_role = admin_role
    user.save(update_fields=["admin_role"])
    audit.record(
        actor=actor,
        action="accounts.user.admin_role",
        object_type="user",
        object_id=user.public_id,
        before={"admin_role": before},
        after={"admin_role": admin_role},
    )
    return user


@transaction.atomic
def access_token_create(
    *,
    actor: User | None,
    user: User,
    name: str,
    second_factor_passed: bool,
    expires_at: dt.datetime | None = None,
) -> tuple[AccessToken, str]:
    """Make a personal access token; the plain token is returned once and never stored.

    An account that needs the second factor gets a token only from a session that passed it (or at the server's
    console): the API asks for no TOTP, so a token made with the password alone would bypass it."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("a token needs a name")})
    if requires_second_factor(user) and not second_factor_passed:
        raise PermissionDenied(_("Enter your second-factor code before creating an API token."))
    plain = new_secret(TOKEN_PREFIX)
    token = AccessToken.objects.create(
        user=user,
        name=name[:80],
        prefix=plain[:10],
        digest=digest(plain),
        created_at=clock.now(),
        expires_at=expires_at,
        second_factor_passed=second_factor_passed,
    )
    audit.record(
        actor=actor or user,
        action="accounts.token.create",
        object_type="access_token",
        object_id=token.public_id,
        after={"user": user.username, "name": token.name, "prefix": token.prefix},
    )
    return token, plain


@transaction.atomic
def access_token_revoke(*, actor: User, token: AccessToken) -> AccessToken:
    token = AccessToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="accounts.token.revoke",
            object_type="access_token",
            object_id=token.public_id,
            after={"user": token.user.username, "name": token.name},
        )
    return token


def access_token_authenticate(plain: str) -> User | None:
    """The active user a bearer token belongs to, or None for a wrong, revoked or expired token."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = AccessToken.objects.select_related("user").filter(digest=digest(plain), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    if not token.second_factor_passed and requires_second_factor(token.user):
        return None
    now = clock.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def totp_device_create(*, actor: User | None, user: User, key_hex: str | None = None, confirmed: bool) -> TOTPDevice:
    """A TOTP device for the user (unconfirmed until they prove they scanned it)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    kwargs = {"key": key_hex} if key_hex else {}
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=confirmed, **kwargs)
    audit.record(
        actor=actor or user,
        action="accounts.totp.create",
        object_type="user",
        object_id=user.public_id,
        after={"confirmed": confirmed},
    )
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice) -> TOTPDevice:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=user, action="accounts.totp.confirm", object_type="user", object_id=user.public_id, after={})
    return device


@transaction.atomic
def account_unlock(*, actor: User, username: str) -> int:
    """Lift a login lockout before its 30 minutes are over (security administrator)."""
    removed = axes_reset(username=username)
    audit.record(
        actor=actor,
        action="accounts.user.unlock",
        object_type="user",
        object_id=User.objects.filter(username=username).values_list("public_id", flat=True).first() or "",
        after={"username": username, "attempt_records_removed": removed},
    )
    return removed


@transaction.atomic
def login_record(*, user: User, address: str) -> None:
    """A successful login, for the audit chain (等保: who signed in, when, from where)."""
    audit.record(
        actor=user, action="accounts.login", object_type="user", object_id=user.public_id, after={"address": address}
    )


@transaction.atomic
def login_failure_record(*, username: str, address: str) -> None:
    """A failed login (wrong password, unknown or locked account)."""
    audit.record(
        actor=None,
        action="accounts.login_failed",
        object_type="user",
        object_id=User.objects.filter(username=username).values_list("public_id", flat=True).first() or "",
        after={"username": username, "address": address},
    )


@transaction.atomic
def logout_record(*, user: User, address: str) -> None:
    audit.record(
        actor=user, action="accounts.logout", object_type="user", object_id=user.public_id, after={"address": address}
    )
