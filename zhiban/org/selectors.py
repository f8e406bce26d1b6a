"""Reads of the organisation, already filtered for the user (see `zhiban.org.scopes`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhiban.accounts.models import User
from zhiban.org.models import Person, RoleAssignment, Unit
from zhiban.org.scopes import Action, person_of, restrict_people, restrict_units


def unit_list(*, user: User | None, action: Action = "view") -> QuerySet[Unit]:
    return restrict_units(Unit.objects.select_related("parent"), user, action)


def unit_get(*, user: User | None, public_id: str, action: Action = "view") -> Unit:
    """The unit, or Unit.DoesNotExist when it is outside the user's scope (no existence leak)."""
    return unit_list(user=user, action=action).get(public_id=public_id)


def person_list(
    *, user: User | None, action: Action = "view", search: str = "", unit: Unit | None = None
) -> QuerySet[Person]:
    people = restrict_people(
        Person.objects.select_related("unit", "job_type").prefetch_related("roles"),
        user,
        action,
    )
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    if search:
        people = people.filter(
            Q(name__icontains=search)
            | Q(employee_number__icontains=search)
            | Q(mobile__icontains=search)
            | Q(office_phone__icontains=search)
        )
    return people


def person_get(*, user: User | None, public_id: str, action: Action = "view") -> Person:
    return person_list(user=user, action=action).get(public_id=public_id)


def person_for_user(user: User) -> Person | None:
    return person_of(user)


def roles_for_user(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(person__user=user).select_related("unit")
