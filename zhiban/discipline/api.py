"""API of the discipline register (same selectors and services as the pages): the absences (旷工) the caller may
see, and recording one for a person the caller manages. The swaps API keeps its old paths for them, deprecated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status

from zhiban.accounts.models import User
from zhiban.core.api_errors import errors
from zhiban.discipline import selectors, services
from zhiban.discipline.models import DisciplineRecord
from zhiban.org.models import Person

router = Router(tags=["discipline"])
LIST_MAX = 500


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class DisciplineRecordOut(Schema):
    public_id: str
    kind: str
    person: str
    person_name: str
    date: dt.date
    shift_type: str | None
    rule_id: str
    share: Decimal
    note: str


class AbsenceIn(Schema):
    person: str
    day: dt.date
    rule_id: str
    share: Decimal = Decimal("1")
    note: str = ""


def record_out(record: DisciplineRecord) -> DisciplineRecordOut:
    return DisciplineRecordOut(
        public_id=record.public_id,
        kind=record.kind,
        person=record.person.public_id,
        person_name=record.person.name,
        date=record.date,
        shift_type=record.shift_type.code if record.shift_type else None,
        rule_id=record.rule_id,
        share=record.share,
        note=record.note,
    )


def list_absences(request: HttpRequest) -> list[DisciplineRecordOut]:
    return [record_out(r) for r in selectors.absence_list(user=_caller(request))[:LIST_MAX]]


def record_absence(request: HttpRequest, payload: AbsenceIn) -> Status:
    user = _caller(request)
    try:
        person = selectors.recordable_people(user=user).get(public_id=payload.person)
    except Person.DoesNotExist:
        raise PermissionDenied("you may not record an absence of this person") from None
    record = services.absence_record(
        actor=user,
        person=person,
        day=payload.day,
        shift_type=None,
        rule_id=payload.rule_id,
        subject_type="",
        subject_id=None,
        share=payload.share,
        note=payload.note,
    )
    return Status(201, record_out(record))


@router.get("/absences", response={200: list[DisciplineRecordOut], **errors()})
def absences(request: HttpRequest) -> list[DisciplineRecordOut]:
    """The absences (旷工) of the people I manage, and my own."""
    return list_absences(request)


@router.post("/absences", response={201: DisciplineRecordOut, **errors(400, 403, 422)})
def absence_record(request: HttpRequest, payload: AbsenceIn) -> Status:
    """Record 旷工 of a person the caller manages."""
    return record_absence(request, payload)
