"""Reads of swaps and absences, already filtered for the user; the permission checks the services call."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhiban.accounts.models import User
from zhiban.org.models import Person
from zhiban.org.scopes import person_of, unit_scope
from zhiban.swaps.models import Absence


def acting_person(user: User | None) -> Person | None:
    """The active person record of a signed-in user, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    person = person_of(user)
    return person if person is not None and person.is_active else None


def can_record_absence(user: User | None, person: Person) -> bool:
    """Who manages the person's unit (team lead, station or department head, directors, secretariat)."""
    return unit_scope(user, "manage").contains(person.unit)


def absence_list(*, user: User | None) -> QuerySet[Absence]:
    """Absences of the people the user manages, and the user's own."""
    query = unit_scope(user, "manage").q("person__unit__path")
    own = acting_person(user)
    if own is not None:
        query |= Q(person=own)
    return Absence.objects.filter(query).select_related("person", "shift_type", "recorded_by")
