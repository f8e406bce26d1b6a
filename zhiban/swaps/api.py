"""API of the swaps app (same selectors and services as the pages): refusals are 422 with the rule codes,
swaps out of scope 404, actions not the caller's 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from zhiban.accounts.models import User
from zhiban.approvals import selectors as approval_selectors
from zhiban.core import clock, dates
from zhiban.core.api_errors import errors
from zhiban.discipline import api as discipline_api
from zhiban.discipline.api import AbsenceIn, DisciplineRecordOut
from zhiban.org.models import Person
from zhiban.roster.services import month_bounds
from zhiban.swaps import checks, selectors, services
from zhiban.swaps.models import SwapRequest

router = Router(tags=["swaps"])


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _swap(request: HttpRequest, public_id: str) -> SwapRequest:
    try:
        return selectors.swap_get(user=_caller(request), public_id=public_id)
    except SwapRequest.DoesNotExist as error:
        raise Http404 from error


def _me(request: HttpRequest) -> Person:
    person = selectors.acting_person(_caller(request))
    if person is None:
        raise PermissionDenied("only a person of the organisation may swap")
    return person


class DutyOut(Schema):
    token: str
    date: dt.date
    shift_type: str
    post: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    day_kind: str


class SwapStepOut(Schema):
    label: str
    unit: str
    status: str
    decided_by: str | None
    comment: str


class SwapOut(Schema):
    public_id: str
    status: str
    requester: str
    requester_name: str
    colleague: str | None
    colleague_name: str | None
    date: dt.date
    shift_type: str
    shift: str
    return_date: dt.date | None
    return_shift: str | None
    return_of: str | None
    reason: str
    roster_versions: list[str]
    approvals: list[SwapStepOut]


def _out(swap: SwapRequest) -> SwapOut:
    back = checks.return_shift(swap)
    steps = approval_selectors.steps_of(selectors.SUBJECT, swap.pk)
    return SwapOut(
        public_id=swap.public_id,
        status=swap.status,
        requester=swap.requester.public_id,
        requester_name=swap.requester.name,
        colleague=swap.colleague.public_id if swap.colleague else None,
        colleague_name=swap.colleague.name if swap.colleague else None,
        date=swap.day,
        shift_type=swap.shift_type.code,
        shift=checks.swapped_shift(swap).label,
        return_date=back.day if back else None,
        return_shift=back.label if back else None,
        return_of=swap.return_for.public_id if swap.return_for else None,
        reason=swap.reason,
        roster_versions=list(swap.roster_versions),
        approvals=[
            SwapStepOut(
                label=s.label_zh,
                unit=s.unit.name,
                status=s.status,
                decided_by=s.decided_by.get_username() if s.decided_by else None,
                comment=s.comment,
            )
            for s in steps
        ],
    )


class SwapIn(Schema):
    duty: str
    colleague: str | None = None
    return_duty: str = ""
    reason: str = ""
    return_of: str | None = None


class AcceptIn(Schema):
    return_duty: str = ""


class DeclineIn(Schema):
    reason: str = ""


class SwapDecideIn(Schema):
    approve: bool
    comment: str = ""


class JudgeIn(Schema):
    which: str
    requester_share: Decimal
    colleague_share: Decimal
    note: str = ""


class DebtOut(Schema):
    public_id: str
    swap: str
    returner: str
    creditor: str
    return_date: dt.date | None
    status: str
    missed_on: dt.date | None


@router.get("/duties", response={200: list[DutyOut], **errors(403)})
def my_duties(request: HttpRequest) -> list[DutyOut]:
    """My published duties ahead, with the token a swap names them by."""
    return [
        DutyOut(
            token=selectors.duty_token(d),
            date=d.day,
            shift_type=d.shift_type.code,
            post=d.post,
            starts_at=d.starts_at,
            ends_at=d.ends_at,
            day_kind=d.day_kind,
        )
        for d in selectors.my_duties(_me(request))
    ]


@router.get("/board", response={200: list[SwapOut], **errors()})
def board(request: HttpRequest) -> list[SwapOut]:
    """Open requests I may take (SWAP-04)."""
    return [_out(s) for s in selectors.open_board(user=_caller(request))]


@router.get("/debts", response={200: list[DebtOut], **errors()})
def debts(request: HttpRequest) -> list[DebtOut]:
    return [
        DebtOut(
            public_id=d.public_id,
            swap=d.swap.public_id,
            returner=d.returner.public_id,
            creditor=d.creditor.public_id,
            return_date=d.return_day,
            status=d.status,
            missed_on=d.missed_on,
        )
        for d in selectors.debt_list(user=_caller(request))[:500]
    ]


@router.get("/register", response={200: list[SwapOut], **errors(422)})
def register(request: HttpRequest, month: str) -> list[SwapOut]:
    """换班登记表 (SWAP-01) of a month (`2026-12`)."""
    first = dates.parse_month(month, clock.today())
    _, last = month_bounds(first.year, first.month)
    return [_out(s) for s in selectors.register(user=_caller(request), first=first, last=last)]


# The absence register moved to the discipline register (/api/v1/discipline/absences); these paths answer as before.
@router.get("/absences", response={200: list[DisciplineRecordOut], **errors()}, deprecated=True)
def absences(request: HttpRequest) -> list[DisciplineRecordOut]:
    """Deprecated: `GET /api/v1/discipline/absences`."""
    return discipline_api.list_absences(request)


@router.post("/absences", response={201: DisciplineRecordOut, **errors(400, 403, 422)}, deprecated=True)
def absence_record(request: HttpRequest, payload: AbsenceIn) -> Status:
    """Deprecated: `POST /api/v1/discipline/absences`."""
    return discipline_api.record_absence(request, payload)


@router.get("", response={200: list[SwapOut], **errors()})
def swap_list(request: HttpRequest) -> list[SwapOut]:
    """Swaps I am a party to and those of the people I manage."""
    return [_out(s) for s in selectors.swap_list(user=_caller(request)).order_by("-created_at")[:200]]


@router.post("", response={201: SwapOut, **errors(400, 403, 422)})
def swap_request(request: HttpRequest, payload: SwapIn) -> Status:
    """Ask a colleague (or post an open request) for one of my duties; refusals: 422 with SWAP-0x codes."""
    me = _me(request)
    colleague = selectors.colleague_get(me, payload.colleague) if payload.colleague else None
    debt = None
    if payload.return_of:
        debt = selectors.debt_list(user=_caller(request)).filter(public_id=payload.return_of).first()
        if debt is None:
            raise ValidationError({"return_of": "no such return debt"})
    swap = services.swap_request(
        actor=_caller(request),
        duty=payload.duty,
        colleague=colleague,
        return_duty=payload.return_duty,
        reason=payload.reason,
        return_for=debt,
    )
    return Status(201, _out(swap))


@router.get("/{public_id}", response={200: SwapOut, **errors(404, 422)})
def swap_detail(request: HttpRequest, public_id: str) -> SwapOut:
    return _out(_swap(request, public_id))


@router.post("/{public_id}/accept", response={200: SwapOut, **errors(400, 403, 404, 422)})
def accept(request: HttpRequest, public_id: str, payload: AcceptIn) -> SwapOut:
    swap = services.swap_accept(actor=_caller(request), swap=_swap(request, public_id), return_duty=payload.return_duty)
    return _out(swap)


@router.post("/{public_id}/decline", response={200: SwapOut, **errors(400, 403, 404, 422)})
def decline(request: HttpRequest, public_id: str, payload: DeclineIn) -> SwapOut:
    return _out(services.swap_decline(actor=_caller(request), swap=_swap(request, public_id), reason=payload.reason))


@router.post("/{public_id}/withdraw", response={200: SwapOut, **errors(403, 404, 422)})
def withdraw(request: HttpRequest, public_id: str) -> SwapOut:
    return _out(services.swap_withdraw(actor=_caller(request), swap=_swap(request, public_id)))


@router.post("/{public_id}/decide", response={200: SwapOut, **errors(400, 403, 404, 422)})
def decide(request: HttpRequest, public_id: str, payload: SwapDecideIn) -> SwapOut:
    """A team lead's decision (SWAP-01); the last approval moves both duties."""
    swap = services.swap_decide(
        actor=_caller(request), swap=_swap(request, public_id), approve=payload.approve, comment=payload.comment
    )
    return _out(swap)


@router.post("/{public_id}/judge", response={201: list[DisciplineRecordOut], **errors(400, 403, 404, 422)})
def judge(request: HttpRequest, public_id: str, payload: JudgeIn) -> Status:
    """SWAP-05: the team lead's judgement on a missed shift — absence for both with their shares."""
    absences = services.swap_responsibility_judge(
        actor=_caller(request),
        swap=_swap(request, public_id),
        which=payload.which,
        requester_share=payload.requester_share,
        colleague_share=payload.colleague_share,
        note=payload.note,
    )
    return Status(201, [discipline_api.record_out(a) for a in absences])
