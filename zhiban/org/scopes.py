"""Who may see and change what: role-based, scoped to units, applied in querysets.

Selectors call `unit_scope(user, action)` and filter by it, so lists, search, exports and the API
cannot show a row outside the user's scope.

- system administrator and superuser: everything;
- secretariat / department head / station head / team lead / directors / regional leader: the
  subtree of the unit their role is held at, for viewing and managing;
- everyone else with a person record: view their own department (the colleagues they work and
  swap with), manage nothing;
- security and audit administrators see no organisation data through these scopes (三员分立).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Q, QuerySet

from zhiban.accounts.models import AdminRole, User
from zhiban.core import operations
from zhiban.org.models import Person, Role, RoleAssignment, Unit

Action = Literal["view", "manage"]

MANAGING_ROLES = frozenset(
    {
        Role.SECRETARIAT,
        Role.DEPARTMENT_HEAD,
        Role.STATION_HEAD,
        Role.REGIONAL_LEADER,
        Role.TEAM_LEAD,
        Role.CS_DIRECTOR,
        Role.CENTRE_DIRECTOR,
    }
)


@dataclass(frozen=True)
class UnitScope:
    """A set of unit subtrees, or everything."""

    everything: bool = False
    prefixes: tuple[str, ...] = ()

    def q(self, path_field: str = "path") -> Q:
        if self.everything:
            return Q()
        if not self.prefixes:
            return Q(pk__in=[])
        query = Q()
        for prefix in self.prefixes:
            query |= Q(**{f"{path_field}__startswith": prefix})
        return query

    def contains(self, unit: Unit) -> bool:
        return self.everything or any(unit.path.startswith(prefix) for prefix in self.prefixes)

    @property
    def empty(self) -> bool:
        return not self.everything and not self.prefixes


def department_of(unit: Unit) -> Unit:
    """The department (or the organisation itself for a unit right under it) that contains `unit`."""
    ids = [int(part) for part in unit.path.split(".") if part]
    if len(ids) >= 2:
        return Unit.objects.get(pk=ids[1])
    return unit


def organisation_of(unit: Unit) -> Unit:
    """The organisation at the top of `unit`'s tree."""
    top = int(unit.path.split(".", 1)[0])
    return unit if unit.pk == top else Unit.objects.get(pk=top)


def organisation_key(unit: Unit) -> str:
    """A stable key of the organisation `unit` belongs to, read from its path (no query)."""
    return unit.path.split(".", 1)[0]


def person_of(user: User) -> Person | None:
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def active_person(user: User | None) -> Person | None:
    """The active person of a signed-in, active user; None for anyone else (an administrator without a person)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    person = person_of(user)
    return person if person is not None and person.is_active else None


ROLES_CACHE = "roles"


def held_roles(person: Person) -> list[RoleAssignment]:
    """Every role the person holds, with its unit: read once per operation (`zhiban.core.operations`), since a
    request asks it for its scope, for who may schedule and for who may decide; `role_assign` and `role_revoke`
    forget it."""
    cached = operations.cache(ROLES_CACHE)
    if cached is not None and person.pk in cached:
        return list(cached[person.pk])
    held = list(RoleAssignment.objects.filter(person=person).select_related("unit"))
    if cached is not None:
        cached[person.pk] = tuple(held)
    return held


def unit_scope(user: User | None, action: Action) -> UnitScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return UnitScope()
    if user.is_superuser or user.admin_role == AdminRole.SYSTEM:
        return UnitScope(everything=True)
    if user.admin_role in (AdminRole.SECURITY, AdminRole.AUDIT):
        return UnitScope()
    person = person_of(user)
    if person is None or not person.is_active:
        return UnitScope()
    prefixes = {assignment.unit.path for assignment in held_roles(person) if assignment.role in MANAGING_ROLES}
    if action == "view":
        prefixes.add(department_of(person.unit).path)
    return UnitScope(prefixes=tuple(sorted(_minimal(prefixes))))


def _minimal(prefixes: set[str]) -> set[str]:
    """Drop prefixes already covered by a shorter one."""
    return {p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)}


def restrict_units(queryset: QuerySet[Unit], user: User | None, action: Action = "view") -> QuerySet[Unit]:
    return queryset.filter(unit_scope(user, action).q("path"))


def restrict_people(queryset: QuerySet[Person], user: User | None, action: Action = "view") -> QuerySet[Person]:
    return queryset.filter(unit_scope(user, action).q("unit__path"))
