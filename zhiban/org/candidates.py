"""ORG-03's facts about a person put on duty, built in one place for every path that does so (a roster cell, a
cover or a substitute, a role that stands duty): the person's kind, and whether their organisation is the duty's.

Organisations are named by their public ids. Whether two people are of one organisation is read from their units'
paths, without a query; another organisation's id is looked up only for outsiders, in one query for many people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from zhiban.org.models import Person, Unit
from zhiban.org.scopes import organisation_key
from zhiban.policy.rules.org_03 import DutyCandidate


def organisation_ids(people: Iterable[Person], organisation: Unit) -> dict[str, str]:
    """The public id of each organisation `people` belong to, by organisation key (`organisation_key`): the
    duty's `organisation` (the top of its tree) without a query, any other in one query."""
    ids = {organisation_key(organisation): organisation.public_id}
    others = {organisation_key(person.unit) for person in people} - ids.keys()
    if others:
        found = Unit.objects.filter(pk__in=[int(key) for key in others]).values_list("pk", "public_id")
        ids.update({str(pk): public_id for pk, public_id in found})
    return ids


def duty_candidate(
    person: Person,
    *,
    organisation: Unit,
    capacity: str = "duty_staff",
    kind: str | None = None,
    ids: Mapping[str, str] | None = None,
) -> DutyCandidate:
    """ORG-03's facts: `person` (as `kind`, by default their own) put on duty in `organisation` as `capacity`
    (`duty_staff` or `substitute`). `ids` are the organisations' public ids as `organisation_ids` read them for
    several people at once; without them, they are read for this person."""
    ids = ids if ids is not None else organisation_ids([person], organisation)
    key = organisation_key(person.unit)
    return DutyCandidate(
        person_name=person.name,
        person_kind=person.kind if kind is None else kind,
        capacity=capacity,
        person_organisation=ids.get(key, key),
        duty_organisation=organisation.public_id,
    )
