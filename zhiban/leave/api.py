"""API of the leave app (same selectors and services as the pages): leave, its cover, substitutions and
compensatory-rest requests. Requests out of scope are 404; refusals 422 with the rule codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from zhiban.accounts.models import User
from zhiban.approvals.lifecycle_http import Api
from zhiban.approvals.models import ApprovalStep
from zhiban.core.api_errors import errors
from zhiban.leave import kinds, selectors, services
from zhiban.leave.models import LeaveCover, LeaveRequest, RestRequest, Substitution
from zhiban.org.models import Person
from zhiban.roster.models import RosterPeriod, ShiftType

router = Router(tags=["leave"])


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class LeaveStepOut(Schema):
    order: int
    role: str
    label: str
    status: str
    rule_id: str


class CoverOut(Schema):
    day: dt.date
    shift_type: str
    post: str
    substitute: str
    substitute_name: str
    responsibility: str


class LeaveOut(Schema):
    public_id: str
    person: str
    person_name: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    calendar_days: int
    working_days: Decimal
    reason: str
    status: str
    late: bool
    certificate_due: dt.date | None
    certificate_handed_in: bool
    returned_at: dt.datetime | None
    steps: list[LeaveStepOut]
    covers: list[CoverOut]


class LeaveIn(Schema):
    person: str | None = None
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str
    special: bool = False
    emergency: bool = False
    phoned_at: dt.datetime | None = None
    holiday_exception: bool = False
    warning_reason: str = ""


class LeaveDecideIn(Schema):
    approve: bool
    comment: str = ""
    warning_reason: str = ""


def _decision(payload: LeaveDecideIn) -> dict[str, Any]:
    """A decision as the decide services take it (the reason for going ahead past warnings as `reason`)."""
    return {"approve": payload.approve, "comment": payload.comment, "reason": payload.warning_reason}


class CancelIn(Schema):
    reason: str = ""


class ReturnIn(Schema):
    returned_at: dt.datetime


class CoverIn(Schema):
    period: str
    day: dt.date
    shift_type: str
    post: str
    substitute: str


class SubstitutionIn(Schema):
    person: str | None = None
    period: str
    day: dt.date
    shift_type: str
    post: str
    substitute: str
    reason: str


class SubstitutionOut(Schema):
    public_id: str
    person: str
    substitute: str
    day: dt.date
    shift_type: str
    post: str
    status: str
    responsibility: str
    steps: list[LeaveStepOut]


class RestIn(Schema):
    person: str | None = None
    day: dt.date
    days: Decimal
    note: str = ""


class RestOut(Schema):
    public_id: str
    person: str
    day: dt.date
    days: Decimal
    status: str
    steps: list[LeaveStepOut]


def _steps(chain: list[ApprovalStep]) -> list[LeaveStepOut]:
    return [
        LeaveStepOut(order=s.order, role=s.role, label=s.label_zh, status=s.status, rule_id=s.rule_id) for s in chain
    ]


def _with_covers(rows: QuerySet[LeaveRequest]) -> QuerySet[LeaveRequest]:
    return rows.prefetch_related(
        Prefetch("covers", queryset=LeaveCover.objects.select_related("substitute", "shift_type"))
    )


def _leave_out(leave: LeaveRequest, chain: list[ApprovalStep]) -> LeaveOut:
    return LeaveOut(
        public_id=leave.public_id,
        person=leave.person.public_id,
        person_name=leave.person.name,
        kind=leave.kind,
        starts_at=leave.starts_at,
        ends_at=leave.ends_at,
        calendar_days=leave.calendar_days,
        working_days=leave.working_days,
        reason=leave.reason,
        status=leave.status,
        late=leave.late,
        certificate_due=leave.certificate_due,
        certificate_handed_in=leave.certificate_at is not None,
        returned_at=leave.returned_at,
        steps=_steps(chain),
        covers=[
            CoverOut(
                day=c.day,
                shift_type=c.shift_type.code,
                post=c.post,
                substitute=c.substitute.public_id,
                substitute_name=c.substitute.name,
                responsibility=c.responsibility,
            )
            for c in leave.covers.all()  # prefetched with their substitute and shift type by the callers
        ],
    )


LEAVE = Api(kinds.LEAVE, rows=lambda user: _with_covers(selectors.leave_list(user=user)), out=_leave_out)


def _person(request: HttpRequest, public_id: str | None, *, leave: bool = False) -> Person:
    """The caller, or the person named; for leave also a colleague where LEAVE-07 lets someone else file sick leave."""
    user = _caller(request)
    if public_id is None:
        me = selectors.active_person(user)
        if me is None:
            raise Http404
        return me
    try:
        if leave:
            return selectors.leave_person_get(user=user, public_id=public_id)
        return selectors.person_get(user=user, public_id=public_id)
    except Person.DoesNotExist as error:
        raise Http404 from error


@router.get("/requests", response={200: list[LeaveOut], **errors()})
def leave_list(request: HttpRequest) -> list[LeaveOut]:
    """Leave requests the caller may see: their own, those they filed, those of the people they manage."""
    return LEAVE.listed(request)


@router.post("/requests", response={201: LeaveOut, **errors(400, 403, 404, 422)})
def leave_create(request: HttpRequest, payload: LeaveIn) -> Status:
    """File leave; refusals are 422 with the rule codes, warnings need `warning_reason`."""
    leave = services.leave_file(
        actor=_caller(request),
        person=_person(request, payload.person, leave=True),
        kind=payload.kind,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=payload.reason,
        special=payload.special,
        emergency=payload.emergency,
        phoned_at=payload.phoned_at,
        holiday_exception=payload.holiday_exception,
        warning_reason=payload.warning_reason,
    )
    return Status(201, LEAVE.answer(leave))


@router.get("/requests/{public_id}", response={200: LeaveOut, **errors(404, 422)})
def leave_get(request: HttpRequest, public_id: str) -> LeaveOut:
    return LEAVE.one(request, public_id)


@router.post("/requests/{public_id}/decide", response={200: LeaveOut, **errors(400, 403, 404, 422)})
def leave_decide(request: HttpRequest, public_id: str, payload: LeaveDecideIn) -> LeaveOut:
    return LEAVE.act(
        request, public_id, lambda user, leave: services.leave_decide(actor=user, leave=leave, **_decision(payload))
    )


@router.post("/requests/{public_id}/cancel", response={200: LeaveOut, **errors(400, 403, 404, 422)})
def leave_cancel(request: HttpRequest, public_id: str, payload: CancelIn) -> LeaveOut:
    return LEAVE.act(
        request, public_id, lambda user, leave: services.leave_cancel(actor=user, leave=leave, reason=payload.reason)
    )


@router.post("/requests/{public_id}/return", response={200: LeaveOut, **errors(400, 403, 404, 422)})
def leave_return(request: HttpRequest, public_id: str, payload: ReturnIn) -> LeaveOut:
    """消假: the person is back at `returned_at`."""
    return LEAVE.act(
        request,
        public_id,
        lambda user, leave: services.leave_return(actor=user, leave=leave, returned_at=payload.returned_at),
    )


def _roster_keys(organisation_id: int, period: str, shift_type: str) -> tuple[RosterPeriod, ShiftType]:
    """The period and shift type named, of the request's own organisation only (another's are not found)."""
    try:
        return (
            RosterPeriod.objects.get(public_id=period, unit__path__startswith=f"{organisation_id}."),
            ShiftType.objects.get(public_id=shift_type, organisation_id=organisation_id),
        )
    except (RosterPeriod.DoesNotExist, ShiftType.DoesNotExist) as error:
        raise Http404 from error


def _colleague(organisation_id: int, public_id: str) -> Person:
    """A person of the request's own organisation (a substitute or cover); another organisation's are not found."""
    try:
        return Person.objects.get(public_id=public_id, organisation_id=organisation_id)
    except Person.DoesNotExist as error:
        raise Http404 from error


@router.post("/requests/{public_id}/covers", response={200: LeaveOut, **errors(400, 403, 404, 422)})
def cover_choose(request: HttpRequest, public_id: str, payload: CoverIn) -> LeaveOut:
    """Choose the substitute of one duty the leave hits (a ranked candidate; SUB-02 same department)."""
    leave = LEAVE.get(request, public_id)
    period, shift_type = _roster_keys(leave.organisation_id, payload.period, payload.shift_type)
    services.cover_choose(
        actor=_caller(request),
        leave=leave,
        period=period,
        day=payload.day,
        shift_type=shift_type,
        post=payload.post,
        substitute=_colleague(leave.organisation_id, payload.substitute),
    )
    return LEAVE.one(request, public_id)  # read again: the new cover is in


def _substitution_out(row: Substitution, chain: list[ApprovalStep]) -> SubstitutionOut:
    return SubstitutionOut(
        public_id=row.public_id,
        person=row.person.public_id,
        substitute=row.substitute.public_id,
        day=row.day,
        shift_type=row.shift_type.code,
        post=row.post,
        status=row.status,
        responsibility=row.responsibility,
        steps=_steps(chain),
    )


SUBSTITUTION = Api(kinds.SUBSTITUTION, rows=lambda user: selectors.substitution_list(user=user), out=_substitution_out)


@router.get("/substitutions", response={200: list[SubstitutionOut], **errors()})
def substitution_list(request: HttpRequest) -> list[SubstitutionOut]:
    return SUBSTITUTION.listed(request)


@router.post("/substitutions", response={201: SubstitutionOut, **errors(400, 403, 404, 422)})
def substitution_create(request: HttpRequest, payload: SubstitutionIn) -> Status:
    """顶替: the substitute takes one published duty once the department head approves (SUB-01/02)."""
    person = _person(request, payload.person)
    organisation = selectors.organisation_unit(person.unit)
    period, shift_type = _roster_keys(organisation.pk, payload.period, payload.shift_type)
    row = services.substitution_file(
        actor=_caller(request),
        person=person,
        period=period,
        day=payload.day,
        shift_type=shift_type,
        post=payload.post,
        substitute=_colleague(organisation.pk, payload.substitute),
        reason=payload.reason,
    )
    return Status(201, SUBSTITUTION.answer(row))


@router.get("/substitutions/{public_id}", response={200: SubstitutionOut, **errors(404, 422)})
def substitution_get(request: HttpRequest, public_id: str) -> SubstitutionOut:
    return SUBSTITUTION.one(request, public_id)


@router.post("/substitutions/{public_id}/decide", response={200: SubstitutionOut, **errors(400, 403, 404, 422)})
def substitution_decide(request: HttpRequest, public_id: str, payload: LeaveDecideIn) -> SubstitutionOut:
    return SUBSTITUTION.act(
        request,
        public_id,
        lambda user, row: services.substitution_decide(actor=user, substitution=row, **_decision(payload)),
    )


@router.post("/substitutions/{public_id}/cancel", response={200: SubstitutionOut, **errors(403, 404, 422)})
def substitution_cancel(request: HttpRequest, public_id: str) -> SubstitutionOut:
    return SUBSTITUTION.act(
        request, public_id, lambda user, row: services.substitution_cancel(actor=user, substitution=row)
    )


def _rest_out(row: RestRequest, chain: list[ApprovalStep]) -> RestOut:
    return RestOut(
        public_id=row.public_id,
        person=row.person.public_id,
        day=row.day,
        days=row.days,
        status=row.status,
        steps=_steps(chain),
    )


REST = Api(kinds.REST, rows=lambda user: selectors.rest_request_list(user=user), out=_rest_out)


@router.get("/rest-requests", response={200: list[RestOut], **errors()})
def rest_list(request: HttpRequest) -> list[RestOut]:
    return REST.listed(request)


@router.post("/rest-requests", response={201: RestOut, **errors(400, 403, 404, 422)})
def rest_create(request: HttpRequest, payload: RestIn) -> Status:
    """补休: against the open ROS-07 credits (more than the balance: 422 citing ROS-07)."""
    row = services.rest_request_file(
        actor=_caller(request),
        person=_person(request, payload.person),
        day=payload.day,
        days=payload.days,
        note=payload.note,
    )
    return Status(201, REST.answer(row))


@router.get("/rest-requests/{public_id}", response={200: RestOut, **errors(404, 422)})
def rest_get(request: HttpRequest, public_id: str) -> RestOut:
    return REST.one(request, public_id)


@router.post("/rest-requests/{public_id}/decide", response={200: RestOut, **errors(400, 403, 404, 422)})
def rest_decide(request: HttpRequest, public_id: str, payload: LeaveDecideIn) -> RestOut:
    return REST.act(
        request,
        public_id,
        lambda user, row: services.rest_request_decide(
            actor=user, request=row, approve=payload.approve, comment=payload.comment
        ),
    )


@router.post("/rest-requests/{public_id}/cancel", response={200: RestOut, **errors(403, 404, 422)})
def rest_cancel(request: HttpRequest, public_id: str) -> RestOut:
    return REST.act(request, public_id, lambda user, row: services.rest_request_cancel(actor=user, request=row))
