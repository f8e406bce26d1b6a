"""API: compensatory rest balances and credits (ROS-07), recording rest taken, the allowance report (ROS-08).

The same selectors and services as the pages: people and units out of scope are 404, refusals 422.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from zhiban.accounts.models import User
from zhiban.core.api_errors import errors
from zhiban.org.models import Person, Unit
from zhiban.roster.compensation import selectors, services
from zhiban.roster.compensation.views import parse_month
from zhiban.roster.compensation.xlsx import title
from zhiban.roster.services import month_bounds

router = Router(tags=["compensatory rest"])


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _person(request: HttpRequest, public_id: str) -> Person:
    try:
        return selectors.person_get(user=_caller(request), public_id=public_id)
    except Person.DoesNotExist as error:
        raise Http404 from error


class BalanceOut(Schema):
    person: str
    person_name: str
    credited: Decimal
    taken: Decimal
    expired: Decimal
    open: Decimal


class CreditOut(Schema):
    public_id: str
    date: dt.date
    shift_type: str
    category: str
    days: Decimal
    taken: Decimal
    expired: Decimal
    open_days: Decimal
    withdrawn: bool


class TakeIn(Schema):
    day: dt.date
    days: Decimal
    note: str = ""


class TakingOut(Schema):
    public_id: str
    day: dt.date
    days: Decimal
    note: str
    open_balance: Decimal


class AllowanceRowOut(Schema):
    person_name: str
    counts: dict[str, int]
    total: Decimal


class AllowanceOut(Schema):
    unit: str
    month: str
    title: str
    rates: dict[str, Decimal]
    rows: list[AllowanceRowOut]
    total: Decimal


@router.get("/compensatory-rest/balances", response={200: list[BalanceOut], **errors(422)})
def balances(request: HttpRequest, month: str | None = None) -> list[BalanceOut]:
    """Per person in scope, the month's credits: credited, taken, expired, open (days)."""
    first = parse_month(month)
    rows = selectors.balances(user=_caller(request), first=first, last=month_bounds(first.year, first.month)[1])
    return [
        BalanceOut(
            person=r.person.public_id,
            person_name=r.person.name,
            credited=r.credited,
            taken=r.taken,
            expired=r.expired,
            open=r.open,
        )
        for r in rows
    ]


@router.get("/compensatory-rest/people/{public_id}/credits", response={200: list[CreditOut], **errors(404, 422)})
def credits(request: HttpRequest, public_id: str) -> list[CreditOut]:
    person = _person(request, public_id)
    return [
        CreditOut(
            public_id=c.public_id,
            date=c.date,
            shift_type=c.shift_type.code,
            category=c.category,
            days=c.days,
            taken=c.taken,
            expired=c.expired,
            open_days=c.open_days,
            withdrawn=c.withdrawn_at is not None,
        )
        for c in selectors.credits_of(person)
    ]


@router.post("/compensatory-rest/people/{public_id}/taken", response={201: TakingOut, **errors(400, 403, 404, 422)})
def take(request: HttpRequest, public_id: str, payload: TakeIn) -> Status:
    """Record rest taken (department head or secretariat); more than the open balance: 422 citing ROS-07."""
    person = _person(request, public_id)
    taking = services.rest_take(
        actor=_caller(request), person=person, day=payload.day, days=payload.days, note=payload.note
    )
    return Status(
        201,
        TakingOut(
            public_id=taking.public_id,
            day=taking.day,
            days=taking.days,
            note=taking.note,
            open_balance=selectors.open_balance(person),
        ),
    )


@router.get("/allowance/{unit_id}", response={200: AllowanceOut, **errors(404, 422)})
def allowance(request: HttpRequest, unit_id: str, month: str | None = None) -> AllowanceOut:
    """The unit's monthly duty allowance (ROS-08): per person, duties by category and the total."""
    try:
        unit = selectors.allowance_unit_get(user=_caller(request), public_id=unit_id)
    except Unit.DoesNotExist as error:
        raise Http404 from error
    first = parse_month(month)
    report = selectors.allowance_report(unit, first, month_bounds(first.year, first.month)[1])
    return AllowanceOut(
        unit=unit.public_id,
        month=f"{first:%Y-%m}",
        title=title(unit.name, first),
        rates=dict(report.rates),
        rows=[AllowanceRowOut(person_name=r.person_name, counts=dict(r.counts), total=r.total) for r in report.rows],
        total=report.total,
    )


# The same operations under their old paths (/api/v1/roster/rest/…), which read like "the REST API": deprecated.
@router.get("/rest/balances", response={200: list[BalanceOut], **errors(422)}, deprecated=True)
def balances_at_old_path(request: HttpRequest, month: str | None = None) -> list[BalanceOut]:
    """Deprecated: `GET /api/v1/roster/compensatory-rest/balances`."""
    return balances(request, month)


@router.get("/rest/people/{public_id}/credits", response={200: list[CreditOut], **errors(404, 422)}, deprecated=True)
def credits_at_old_path(request: HttpRequest, public_id: str) -> list[CreditOut]:
    """Deprecated: `GET /api/v1/roster/compensatory-rest/people/{public_id}/credits`."""
    return credits(request, public_id)


@router.post("/rest/people/{public_id}/taken", response={201: TakingOut, **errors(400, 403, 404, 422)}, deprecated=True)
def take_at_old_path(request: HttpRequest, public_id: str, payload: TakeIn) -> Status:
    """Deprecated: `POST /api/v1/roster/compensatory-rest/people/{public_id}/taken`."""
    return take(request, public_id, payload)
