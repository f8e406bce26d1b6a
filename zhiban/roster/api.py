"""API: roster periods, their assignments (published only for non-schedulers), cell edits, publishing, the board.

The same selectors and services as the pages: out-of-scope periods are 404, rule refusals 422.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from zhiban.accounts.models import User
from zhiban.core.api_errors import errors
from zhiban.core.pagination import BoundedPagination
from zhiban.roster import selectors, services
from zhiban.roster.models import Assignment, Post, RosterPeriod

router = Router(tags=["roster"])


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _period(request: HttpRequest, public_id: str, *, schedule: bool = False) -> RosterPeriod:
    user = _caller(request)
    try:
        period = selectors.period_get(user=user, public_id=public_id)
    except RosterPeriod.DoesNotExist as error:
        raise Http404 from error
    if schedule and not selectors.can_schedule(user, period.unit):
        raise Http404
    return period


class RosterPeriodOut(Schema):
    public_id: str
    unit: str
    unit_name: str
    start: dt.date
    end: dt.date
    status: str
    publish_deadline: dt.datetime
    published_version: int | None

    @staticmethod
    def resolve_unit(period: RosterPeriod) -> str:
        return period.unit.public_id

    @staticmethod
    def resolve_unit_name(period: RosterPeriod) -> str:
        return period.unit.name

    @staticmethod
    def resolve_published_version(period: RosterPeriod) -> int | None:
        return period.published_version.number if period.published_version else None


class AssignmentOut(Schema):
    date: dt.date
    shift: str
    shift_name: str
    post: str
    person: str
    person_name: str
    phone: str
    pinned: bool

    @staticmethod
    def resolve_shift(a: Assignment) -> str:
        return a.shift_type.code

    @staticmethod
    def resolve_shift_name(a: Assignment) -> str:
        return a.shift_type.name

    @staticmethod
    def resolve_person(a: Assignment) -> str:
        return a.person.public_id

    @staticmethod
    def resolve_person_name(a: Assignment) -> str:
        return a.person.name

    @staticmethod
    def resolve_phone(a: Assignment) -> str:
        return selectors.phones(a.person)


class AssignmentsOut(Schema):
    version: int | None
    draft: bool
    assignments: list[AssignmentOut]


class CellIn(Schema):
    date: dt.date
    shift: str
    post: str
    people: list[str]
    pinned: bool = False
    reason: str = ""


class PublishIn(Schema):
    note: str = ""


class BoardPerson(Schema):
    name: str
    phone: str


class BoardShiftOut(Schema):
    date: dt.date
    shift: str
    start: dt.datetime
    end: dt.datetime
    leaders: list[BoardPerson]
    officers: list[BoardPerson]
    drivers: list[BoardPerson]


class BoardUnitOut(Schema):
    unit: str
    unit_name: str
    now: list[BoardShiftOut]
    today: list[BoardShiftOut]
    tomorrow: list[BoardShiftOut]


@router.get("/periods", response={200: list[RosterPeriodOut], **errors(422)})
@paginate(BoundedPagination)
def list_periods(request: HttpRequest):
    return selectors.period_list(user=_caller(request))


@router.get("/periods/{public_id}", response={200: RosterPeriodOut, **errors(404, 422)})
def get_period(request: HttpRequest, public_id: str) -> RosterPeriod:
    return _period(request, public_id)


@router.get("/periods/{public_id}/assignments", response={200: AssignmentsOut, **errors(404, 422)})
def period_assignments(request: HttpRequest, public_id: str) -> dict[str, object]:
    """The draft for schedulers when there is one, else the published version (non-schedulers: published only)."""
    period = _period(request, public_id)
    version = selectors.shown_version(user=_caller(request), period=period)
    return {
        "version": version.number if version is not None and not version.is_draft else None,
        "draft": bool(version is not None and version.is_draft),
        "assignments": list(selectors.assignments_of(version)),
    }


@router.post("/periods/{public_id}/cells", response={200: AssignmentsOut, **errors(400, 403, 404, 422)})
def set_cell(request: HttpRequest, public_id: str, payload: CellIn) -> dict[str, object]:
    """Set one cell of the draft, or correct the published roster (a reason required)."""
    user = _caller(request)
    period = _period(request, public_id, schedule=True)
    shift = next((s for s in selectors.shift_types_for(period.unit) if s.code == payload.shift), None)
    if shift is None:
        raise ValidationError({"shift": f"no shift type {payload.shift!r}"})
    if payload.post not in Post.values:
        raise ValidationError({"post": f"unknown post {payload.post!r}"})
    eligible = {
        p.public_id: p
        for p in selectors.eligible_people(period.unit, "duty_officer").filter(public_id__in=payload.people)
    }
    if missing := [pid for pid in payload.people if pid not in eligible]:
        raise ValidationError({"people": f"no such person of this organisation: {', '.join(missing)}"})
    people = [eligible[pid] for pid in payload.people]
    services.cell_change(
        actor=user,
        period=period,
        day=payload.date,
        shift_type=shift,
        post=payload.post,
        people=people,
        pinned=payload.pinned,
        reason=payload.reason,
    )
    return period_assignments(request, public_id)


@router.post("/periods/{public_id}/publish", response={200: RosterPeriodOut, **errors(400, 403, 404, 422)})
def publish(request: HttpRequest, public_id: str, payload: PublishIn) -> RosterPeriod:
    period = _period(request, public_id, schedule=True)
    services.period_publish(actor=_caller(request), period=period, note=payload.note)
    return _period(request, public_id)


@router.get("/board", response={200: list[BoardUnitOut], **errors()})
def board(request: HttpRequest) -> list[dict[str, object]]:
    """On duty now, today and tomorrow in the units the caller can see (published rosters only)."""

    def people(persons: list) -> list[dict[str, str]]:
        return [{"name": p.name, "phone": selectors.phones(p)} for p in persons]

    def shifts(items: list[selectors.BoardShift]) -> list[dict[str, object]]:
        return [
            {
                "date": s.date,
                "shift": s.shift.code,
                "start": s.start,
                "end": s.end,
                "leaders": people(s.leaders),
                "officers": people(s.officers),
                "drivers": people(s.drivers),
            }
            for s in items
        ]

    return [
        {
            "unit": entry.unit.public_id,
            "unit_name": entry.unit.name,
            "now": shifts(entry.now),
            "today": shifts(entry.today),
            "tomorrow": shifts(entry.tomorrow),
        }
        for entry in selectors.board(units=selectors.board_units(user=_caller(request)))
    ]
