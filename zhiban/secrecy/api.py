"""API of the register (the same selectors and services as the pages). A list never reveals a carrier the caller
may not see, not even its count; every read of a carrier entry is an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from zhiban.accounts.models import User
from zhiban.core.api_errors import errors
from zhiban.org.models import Person, Unit
from zhiban.secrecy import selectors, services
from zhiban.secrecy.models import Carrier, CustodyMove

router = Router(tags=["secrecy"])
LIST_MAX = 200
ClassificationCode = Literal["top_secret", "secret", "confidential"]


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class CarrierOut(Schema):
    public_id: str
    unit: str
    register_number: str
    copy_number: int
    classification: str
    period_years: int
    marking: str
    issuing_body: str
    issued_on: dt.date
    received_on: dt.date
    title: str
    location: str
    status: str
    clerk: str
    holder: str
    holder_name: str
    with_clerk: bool


class CustodyMoveOut(Schema):
    kind: str
    from_holder: str | None
    to_holder: str
    to_name: str
    moved_at: dt.datetime
    due_back_at: dt.datetime | None
    escalated_at: dt.datetime | None


class CarrierDetailOut(CarrierOut):
    custody: list[CustodyMoveOut]


class CarrierIn(Schema):
    unit: str = Field(max_length=24)
    register_number: str = Field(max_length=40)
    classification: ClassificationCode
    period_years: int = Field(ge=1, le=100)
    copy_number: int = Field(ge=1, le=100000)
    issuing_body: str = Field(max_length=120)
    issued_on: dt.date
    received_on: dt.date
    title: str = Field(max_length=200)
    location: str = Field(max_length=120)
    scope_units: list[str] = Field(default_factory=list, max_length=100)
    scope_people: list[str] = Field(default_factory=list, max_length=500)


class MoveIn(Schema):
    to: str = Field(max_length=24, description="public id of the reader, or of the clerk for a return")


class ArchiveIn(Schema):
    location: str = Field("", max_length=120)


class ClearanceIn(Schema):
    person: str = Field(max_length=24)
    level: Literal["top_secret", "secret", "confidential", ""]


class ClearanceOut(Schema):
    person: str
    level: str


def _out(carrier: Carrier) -> dict[str, Any]:
    return {
        "public_id": carrier.public_id,
        "unit": carrier.unit.public_id,
        "register_number": carrier.register_number,
        "copy_number": carrier.copy_number,
        "classification": carrier.classification,
        "period_years": carrier.period_years,
        "marking": carrier.marking,
        "issuing_body": carrier.issuing_body,
        "issued_on": carrier.issued_on,
        "received_on": carrier.received_on,
        "title": carrier.title,
        "location": carrier.location,
        "status": carrier.status,
        "clerk": carrier.clerk.public_id,
        "holder": carrier.holder.public_id,
        "holder_name": carrier.holder.name,
        "with_clerk": carrier.with_clerk,
    }


def _move_out(move: CustodyMove) -> CustodyMoveOut:
    return CustodyMoveOut(
        kind=move.kind,
        from_holder=move.from_holder.public_id if move.from_holder else None,
        to_holder=move.to_holder.public_id,
        to_name=move.to_holder.name,
        moved_at=move.moved_at,
        due_back_at=move.due_back_at,
        escalated_at=move.escalated_at,
    )


def _detail(request: HttpRequest, carrier: Carrier) -> CarrierDetailOut:
    services.carrier_viewed(actor=_caller(request), carrier=carrier, via="api")
    return CarrierDetailOut(**_out(carrier), custody=[_move_out(m) for m in selectors.custody(carrier)])


def _carrier(request: HttpRequest, public_id: str) -> Carrier:
    return selectors.carrier_get(user=_caller(request), public_id=public_id)


def _person(public_id: str) -> Person:
    person = Person.objects.filter(public_id=public_id).select_related("unit").first()
    if person is None:
        raise Http404("no such person")
    return person


@router.get("/carriers", response={200: list[CarrierOut], **errors()})
def carrier_list(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """The carriers I may see (clerk, or cleared and within the distribution scope); `q` searches number, title and
    issuing body."""
    rows = selectors.carrier_search(user=_caller(request), q=q[:100])
    return [_out(c) for c in rows.order_by("-registered_at", "id")[:LIST_MAX]]


@router.get("/carriers/{public_id}", response={200: CarrierDetailOut, **errors(404)})
def carrier_detail(request: HttpRequest, public_id: str) -> CarrierDetailOut:
    """One carrier with where it is and its full custody history (the read is audited)."""
    return _detail(request, _carrier(request, public_id))


@router.post("/carriers", response={201: CarrierDetailOut, **errors(400, 403, 404, 422)})
def carrier_receive(request: HttpRequest, payload: CarrierIn) -> Status:
    """The clerk registers a received carrier copy (SEC-00, SEC-01)."""
    unit = selectors.receiving_units(user=_caller(request)).filter(public_id=payload.unit).first()
    if unit is None:
        raise Http404("no such unit")
    carrier = services.carrier_receive(
        actor=_caller(request),
        unit=unit,
        register_number=payload.register_number,
        classification=payload.classification,
        period_years=payload.period_years,
        copy_number=payload.copy_number,
        issuing_body=payload.issuing_body,
        issued_on=payload.issued_on,
        received_on=payload.received_on,
        title=payload.title,
        location=payload.location,
        scope_units=list(Unit.objects.filter(public_id__in=payload.scope_units)),
        scope_people=list(Person.objects.filter(public_id__in=payload.scope_people).select_related("unit")),
    )
    return Status(201, CarrierDetailOut(**_out(carrier), custody=[_move_out(m) for m in selectors.custody(carrier)]))


@router.post("/carriers/{public_id}/moves", response={201: CustodyMoveOut, **errors(400, 403, 404, 422)})
def carrier_move(request: HttpRequest, public_id: str, payload: MoveIn) -> Status:
    """The clerk records a hand-over: to a reader of the scope, or back to the clerk (SEC-02)."""
    carrier = _carrier(request, public_id)
    move = services.carrier_move(actor=_caller(request), carrier=carrier, to=_person(payload.to))
    return Status(201, _move_out(move))


@router.post("/carriers/{public_id}/archive", response={200: CarrierOut, **errors(400, 403, 404, 422)})
def carrier_archive(request: HttpRequest, public_id: str, payload: ArchiveIn) -> dict[str, Any]:
    """The clerk archives a carrier that is back with them (SEC-01)."""
    carrier = services.carrier_archive(
        actor=_caller(request), carrier=_carrier(request, public_id), location=payload.location
    )
    return _out(carrier)


@router.post("/clearances", response={200: ClearanceOut, **errors(400, 403, 404, 422)})
def clearance_set(request: HttpRequest, payload: ClearanceIn) -> ClearanceOut:
    """Set a person's clearance (security administrator, or a clerk for the people of their units)."""
    person = selectors.clearance_people(user=_caller(request)).filter(public_id=payload.person).first()
    if person is None:
        raise Http404("no such person")
    services.clearance_set(actor=_caller(request), person=person, level=payload.level)
    return ClearanceOut(person=person.public_id, level=payload.level)
