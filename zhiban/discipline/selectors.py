"""Reads of the discipline register, already filtered for the user, and who may record in it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhiban.accounts.models import User
from zhiban.discipline.models import DisciplineRecord
from zhiban.org.models import Person
from zhiban.org.scopes import person_of, unit_scope
from zhiban.policy import selectors as policy_selectors


def _own_person(user: User | None) -> Person | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    person = person_of(user)
    return person if person is not None and person.is_active else None


def can_record(user: User | None, person: Person) -> bool:
    """Who manages the person's unit (team lead, station or department head, directors, secretariat)."""
    return unit_scope(user, "manage").contains(person.unit)


def record_list(*, user: User | None) -> QuerySet[DisciplineRecord]:
    """Records of the people the user manages, and the user's own."""
    query = unit_scope(user, "manage").q("person__unit__path")
    own = _own_person(user)
    if own is not None:
        query |= Q(person=own)
    return DisciplineRecord.objects.filter(query).select_related("person", "shift_type", "recorded_by")


def absence_list(*, user: User | None) -> QuerySet[DisciplineRecord]:
    """The absences (旷工) among the records the user may see."""
    return record_list(user=user).filter(kind=DisciplineRecord.Kind.ABSENCE)


def recordable_people(*, user: User | None) -> QuerySet[Person]:
    """People the user may record in the register (their managing scope)."""
    scope = unit_scope(user, "manage")
    if scope.empty:
        return Person.objects.none()
    return Person.objects.filter(scope.q("unit__path"), is_active=True).select_related("unit").order_by("name")


def rule_title(record: DisciplineRecord) -> str:
    """The clause title a record was made under, as the organisation's live policy words it (the rule ID when the
    policy does not declare the rule)."""
    resolved = policy_selectors.resolved_for_unit(record.organisation)
    if resolved is None or resolved.pack.rule(record.rule_id) is None:
        return record.rule_id
    return str(resolved.title(record.rule_id).zh)
