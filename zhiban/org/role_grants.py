"""Who may give or take a role: nobody grants a role to themselves, and a role that makes its holder an approver or
a manager is granted only by someone above it — a holder of a higher-ranking role at the unit or above it, or the
system administrator (三员分立: the system administrator manages accounts and roles, never organisation data)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from zhiban.accounts.models import AdminRole, User
from zhiban.org.models import Person, Role, RoleAssignment, Unit
from zhiban.org.own_matters import refuse_own_matter
from zhiban.org.scopes import person_of

# How far up the line a role reaches. A role not listed ranks 0: any manager of the unit may grant it.
RANK = {
    Role.TEAM_LEAD: 1,
    Role.STATION_HEAD: 2,
    Role.CS_DIRECTOR: 2,
    Role.DEPARTMENT_HEAD: 3,
    Role.SECRETARIAT: 3,
    Role.CONFIDENTIAL_CLERK: 3,
    Role.REGIONAL_LEADER: 4,
    Role.CENTRE_DIRECTOR: 4,
}


def rank(role: str) -> int:
    return RANK.get(Role(role), 0) if role in Role.values else 0


def _is_system_administrator(user: User) -> bool:
    return user.is_superuser or user.admin_role == AdminRole.SYSTEM


def authority_at(user: User, unit: Unit) -> int:
    """The highest rank the user holds at `unit` or at a unit above it (0: none)."""
    person = person_of(user)
    if person is None or not person.is_active:
        return 0
    held = RoleAssignment.objects.filter(person=person).select_related("unit")
    return max((rank(a.role) for a in held if unit.path.startswith(a.unit.path)), default=0)


def refuse_role_change(actor: User | None, person: Person, role: str, unit: Unit) -> None:
    """PermissionDenied unless `actor` may give `person` (or take from them) `role` at `unit`. `actor=None` is the
    console (the demo loader, imports run by the operator). Unit scope is checked by the caller as for any edit."""
    if actor is None:
        return
    refuse_own_matter(actor, [person])
    if _is_system_administrator(actor):
        return
    needed = rank(role)
    if needed and authority_at(actor, unit) <= needed:
        raise PermissionDenied(
            _("Only someone above this role may grant or remove it: %(role)s at %(unit)s.")
            % {"role": Role(role).label, "unit": unit.name}
        )
