"""Who sees a unit's compliance report: a system administrator, the audit administrator (三员: the one who
reviews), and those who manage the unit (its organisation's secretariat, heads above it)."""

from __future__ import annotations

from django.db.models import QuerySet

from zhiban.accounts.models import AdminRole, User
from zhiban.org.models import Unit
from zhiban.org.scopes import person_of, unit_scope
from zhiban.policy import selectors as policy_selectors


def _reviewer(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (policy_selectors.is_system_administrator(user) or user.admin_role == AdminRole.AUDIT)
    )


def can_see(user: User | None, unit: Unit) -> bool:
    if _reviewer(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    person = person_of(user)
    return person is not None and person.is_active and unit_scope(user, "manage").contains(unit)


def units(*, user: User | None) -> QuerySet[Unit]:
    """The units whose report the user may open."""
    if _reviewer(user):
        return Unit.objects.all()
    if user is None or not user.is_authenticated or person_of(user) is None:
        return Unit.objects.none()
    return Unit.objects.filter(unit_scope(user, "manage").q("path"))


def unit_get(*, user: User | None, public_id: str) -> Unit:
    """Unit.DoesNotExist when absent or not the user's to see."""
    unit = Unit.objects.get(public_id=public_id)
    if not can_see(user, unit):
        raise Unit.DoesNotExist
    return unit
