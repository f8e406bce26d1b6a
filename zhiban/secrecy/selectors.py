"""Reads of the register, filtered by who may see a carrier (SEC-02 scope, issue 13 access):

- the clerk (机要员) sees the carriers of the units their role is held at (and those they are the clerk of);
- anyone else sees a carrier only when their clearance is at least its classification **and** they are within its
  distribution scope (a unit of the scope contains theirs, or they are named);
- nobody else — not the system, security or audit administrator, not a department head — sees it.

Outside that a carrier is "not found", in lists, search, detail and the API alike (a list never counts what it hides).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from zhiban.accounts.models import AdminRole, User
from zhiban.org.models import Person, Role, Unit
from zhiban.org.scopes import active_person, held_roles, unit_scope
from zhiban.secrecy.models import RANK, Carrier, Classification, Clearance, CustodyMove


def clerk_units(person: Person) -> list[Unit]:
    return [a.unit for a in held_roles(person) if a.role == Role.CONFIDENTIAL_CLERK]


def is_clerk_for(person: Person | None, unit: Unit) -> bool:
    """Whether the person holds the confidential-clerk role at the unit or above it."""
    return person is not None and any(unit.path.startswith(u.path) for u in clerk_units(person))


def receiving_units(*, user: User | None) -> QuerySet[Unit]:
    """The units a user may name when registering a carrier: those they view and those they are the clerk of (the
    service refuses anyone but the clerk; a unit outside both is "not found")."""
    person = active_person(user)
    q = unit_scope(user, "view").q("path")
    for unit in clerk_units(person) if person is not None else []:
        q |= Q(path__startswith=unit.path)
    return Unit.objects.filter(q)


def clearance_rank(person: Person) -> int:
    level = Clearance.objects.filter(person=person).values_list("level", flat=True).first()
    return RANK.get(Classification(level), 0) if level else 0


def cleared_for(person: Person, classification: str) -> bool:
    return clearance_rank(person) >= RANK[Classification(classification)]


def _ancestor_paths(unit: Unit) -> list[str]:
    parts = [p for p in unit.path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def in_scope(person: Person, carrier: Carrier) -> bool:
    if carrier.scope_people.filter(pk=person.pk).exists():
        return True
    return carrier.scope_units.filter(path__in=_ancestor_paths(person.unit)).exists()


def _visible_q(person: Person) -> Q:
    mine = Q(clerk=person)
    for unit in clerk_units(person):
        mine |= Q(unit__path__startswith=unit.path)
    rank = clearance_rank(person)
    allowed = [c for c, r in RANK.items() if r <= rank]
    if allowed:
        scoped = Q(scope_people=person) | Q(scope_units__path__in=_ancestor_paths(person.unit))
        mine |= Q(classification__in=allowed) & scoped
    return mine


def carrier_list(*, user: User | None) -> QuerySet[Carrier]:
    person = active_person(user)
    if person is None:
        return Carrier.objects.none()
    visible = Carrier.objects.filter(_visible_q(person)).values("pk")
    return Carrier.objects.filter(pk__in=visible).select_related("unit", "clerk", "holder")


def carrier_search(*, user: User | None, q: str) -> QuerySet[Carrier]:
    """Visible carriers whose register number, title or issuing body holds `q`."""
    rows = carrier_list(user=user)
    q = q.strip()
    if q:
        rows = rows.filter(Q(register_number__icontains=q) | Q(title__icontains=q) | Q(issuing_body__icontains=q))
    return rows


def carrier_get(*, user: User | None, public_id: str) -> Carrier:
    carrier = carrier_list(user=user).filter(public_id=public_id).first()
    if carrier is None:
        raise Http404("no such carrier")
    return carrier


def custody(carrier: Carrier) -> QuerySet[CustodyMove]:
    """The carrier's full custody history, oldest first."""
    return carrier.moves.select_related("from_holder", "to_holder").order_by("moved_at", "id")


def manages_clearances(user: User | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.admin_role == AdminRole.SECURITY:
        return True
    person = active_person(user)
    return person is not None and bool(clerk_units(person))


def clearance_people(*, user: User | None) -> QuerySet[Person]:
    """The people whose clearance the user may set: everyone for the security administrator, the people of their
    units for a clerk, nobody else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    if user.admin_role == AdminRole.SECURITY:
        return Person.objects.filter(is_active=True)
    person = active_person(user)
    if person is None:
        return Person.objects.none()
    units = clerk_units(person)
    if not units:
        return Person.objects.none()
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(unit__path__startswith=unit.path)
    return Person.objects.filter(q, is_active=True)
