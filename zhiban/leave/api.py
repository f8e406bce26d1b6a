"""API of the leave app (same selectors and services as the pages): leave, its cover, substitutions and
compensatory-rest requests. Requests out of scope are 404; refusals 422 with the rule codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from zhiban.accounts.models import User
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals.models import ApprovalStep
from zhiban.core.api_errors import errors
from zhiban.leave import selectors, services
from zhiban.leave.models import LeaveCover, LeaveRequest, RestRequest, Substitution
from zhiban.leave.selectors import SUBJECT_LEAVE, SUBJECT_REST, SUBJECT_SUBSTITUTION
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


def _steps(subject_type: str, subject_id: int, chain: list[ApprovalStep] | None = None) -> list[LeaveStepOut]:
    if chain is None:
        chain = approval_selectors.steps_of(subject_type, subject_id)
    return [
        LeaveStepOut(order=s.order, role=s.role, label=s.label_zh, status=s.status, rule_id=s.rule_id) for s in chain
    ]


def _with_covers(rows: QuerySet[LeaveRequest]) -> QuerySet[LeaveRequest]:
    return rows.prefetch_related(
        Prefetch("covers", queryset=LeaveCover.objects.select_related("substitute", "shift_type"))
    )


def _leave_out(leave: LeaveRequest, chain: list[ApprovalStep] | None = None) -> LeaveOut:
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
        steps=_steps(SUBJECT_LEAVE, leave.pk, chain),
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


def _leave(request: HttpRequest, public_id: str) -> LeaveRequest:
    try:
        return _with_covers(selectors.leave_list(user=_caller(request))).get(public_id=public_id)
    except LeaveRequest.DoesNotExist as error:
        raise Http404 from error


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
    rows = list(_with_covers(selectors.leave_list(user=_caller(request)))[:200])
    chains = selectors.steps_by_subject(SUBJECT_LEAVE, [r.pk for r in rows])
    return [_leave_out(leave, chains.get(leave.pk, [])) for leave in rows]


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
    return Status(201, _leave_out(leave))


@router.get("/requests/{public_id}", response={200: LeaveOut, **errors(404, 422)})
def leave_get(request: HttpRequest, public_id: str) -> LeaveOut:
    return _leave_out(_leave(request, public_id))


@router.post("/requests/{public_id}/decide", response={200: LeaveOut, **errors(400, 403, 404, 422)})
def leave_decide(request: HttpRequest, public_id: str, payload: LeaveDecideIn) -> LeaveOut:
    leave = services.leave_decide(
        actor=_caller(request),
        leave=_leave(request, public_id),
        approve=payload.approve,
        comment=payload.comment,
        reason=payload.warning_reason,
    )
    return _leave_out(leave)


@router.post("/requests/{public_id}/cancel", response={200: LeaveOut, **errors(400, 403, 404, 422)})
def leave_cancel(request: HttpRequest, public_id: str, payload: CancelIn) -> LeaveOut:
    return _leave_out(
        services.leave_cancel(actor=_caller(request), leave=_leave(request, public_id), reason=payload.reason)
    )


@router.post("/requests/{public_id}/return", response={200: LeaveOut, **errors(400, 403, 404, 422)})
def leave_return(request: HttpRequest, public_id: str, payload: ReturnIn) -> LeaveOut:
    """消假: the person is back at `returned_at`."""
    leave = services.leave_return(
        actor=_caller(request), leave=_leave(request, public_id), returned_at=payload.returned_at
    )
    return _leave_out(leave)


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
    leave = _leave(request, public_id)
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
    return _leave_out(_leave(request, public_id))  # read again: the new cover is in


def _substitution_out(row: Substitution, chain: list[ApprovalStep] | None = None) -> SubstitutionOut:
    return SubstitutionOut(
        public_id=row.public_id,
        person=row.person.public_id,
        substitute=row.substitute.public_id,
        day=row.day,
        shift_type=row.shift_type.code,
        post=row.post,
        status=row.status,
        responsibility=row.responsibility,
        steps=_steps(SUBJECT_SUBSTITUTION, row.pk, chain),
    )


def _substitution(request: HttpRequest, public_id: str) -> Substitution:
    try:
        return selectors.substitution_get(user=_caller(request), public_id=public_id)
    except Substitution.DoesNotExist as error:
        raise Http404 from error


@router.get("/substitutions", response={200: list[SubstitutionOut], **errors()})
def substitution_list(request: HttpRequest) -> list[SubstitutionOut]:
    rows = list(selectors.substitution_list(user=_caller(request))[:200])
    chains = selectors.steps_by_subject(SUBJECT_SUBSTITUTION, [r.pk for r in rows])
    return [_substitution_out(row, chains.get(row.pk, [])) for row in rows]


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
    return Status(201, _substitution_out(row))


@router.get("/substitutions/{public_id}", response={200: SubstitutionOut, **errors(404, 422)})
def substitution_get(request: HttpRequest, public_id: str) -> SubstitutionOut:
    return _substitution_out(_substitution(request, public_id))


@router.post("/substitutions/{public_id}/decide", response={200: SubstitutionOut, **errors(400, 403, 404, 422)})
def substitution_decide(request: HttpRequest, public_id: str, payload: LeaveDecideIn) -> SubstitutionOut:
    row = services.substitution_decide(
        actor=_caller(request),
        substitution=_substitution(request, public_id),
        approve=payload.approve,
        comment=payload.comment,
        reason=payload.warning_reason,
    )
    return _substitution_out(row)


@router.post("/substitutions/{public_id}/cancel", response={200: SubstitutionOut, **errors(403, 404, 422)})
def substitution_cancel(request: HttpRequest, public_id: str) -> SubstitutionOut:
    return _substitution_out(
        services.substitution_cancel(actor=_caller(request), substitution=_substitution(request, public_id))
    )


def _rest_out(row: RestRequest, chain: list[ApprovalStep] | None = None) -> RestOut:
    return RestOut(
        public_id=row.public_id,
        person=row.person.public_id,
        day=row.day,
        days=row.days,
        status=row.status,
        steps=_steps(SUBJECT_REST, row.pk, chain),
    )


def _rest(request: HttpRequest, public_id: str) -> RestRequest:
    try:
        return selectors.rest_request_get(user=_caller(request), public_id=public_id)
    except RestRequest.DoesNotExist as error:
        raise Http404 from error


@router.get("/rest-requests", response={200: list[RestOut], **errors()})
def rest_list(request: HttpRequest) -> list[RestOut]:
    rows = list(selectors.rest_request_list(user=_caller(request))[:200])
    chains = selectors.steps_by_subject(SUBJECT_REST, [r.pk for r in rows])
    return [_rest_out(row, chains.get(row.pk, [])) for row in rows]


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
    return Status(201, _rest_out(row))


@router.get("/rest-requests/{public_id}", response={200: RestOut, **errors(404, 422)})
def rest_get(request: HttpRequest, public_id: str) -> RestOut:
    return _rest_out(_rest(request, public_id))


@router.post("/rest-requests/{public_id}/decide", response={200: RestOut, **errors(400, 403, 404, 422)})
def rest_decide(request: HttpRequest, public_id: str, payload: LeaveDecideIn) -> RestOut:
    row = services.rest_request_decide(
        actor=_caller(request), request=_rest(request, public_id), approve=payload.approve, comment=payload.comment
    )
    return _rest_out(row)


@router.post("/rest-requests/{public_id}/cancel", response={200: RestOut, **errors(403, 404, 422)})
def rest_cancel(request: HttpRequest, public_id: str) -> RestOut:
    return _rest_out(services.rest_request_cancel(actor=_caller(request), request=_rest(request, public_id)))
