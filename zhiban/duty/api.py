"""API of the duty (the same selectors and services as the pages): shifts, check-in, the log and its search,
incidents and their steps, checklist, handover, close and spot checks."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from zhiban.accounts.models import User
from zhiban.core.api_errors import errors
from zhiban.duty import incidents, search, selectors, services, shifts
from zhiban.duty.models import DutyShift, Handover, Incident, LogEntry
from zhiban.policy.rules import ops_03

router = Router(tags=["duty"])
LIST_MAX = 200
TEXT = 2000


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class CrewOut(Schema):
    person: str
    name: str
    post: str
    phone: str
    checked_in_at: dt.datetime | None
    late_minutes: int | None


class ShiftOut(Schema):
    public_id: str
    unit: str
    unit_name: str
    date: dt.date
    shift: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str


class ShiftDetailOut(ShiftOut):
    crew: list[CrewOut]
    checklist_done: bool
    handover_accepted: bool | None


class LogEntryOut(Schema):
    public_id: str
    shift: str
    kind: str
    kind_name: str
    occurred_at: dt.datetime
    fields: dict[str, str]
    urgent: bool
    amends: str | None
    amend_reason: str


class LogEntryIn(Schema):
    kind: Literal["call", "visitor", "meeting", "document", "sealed_letter", "inspection", "note"]
    fields: dict[str, str] = Field(default_factory=dict)
    occurred_at: dt.datetime | None = None
    urgent: bool = False


class AmendIn(Schema):
    fields: dict[str, str]
    reason: str = Field(max_length=500)


class IncidentOut(Schema):
    public_id: str
    shift: str
    title: str
    level: str
    place: str
    raised_at: dt.datetime
    verified_at: dt.datetime | None
    leader_told_at: dt.datetime | None
    instructions_at: dt.datetime | None
    reported_upward_at: dt.datetime | None
    report_due_at: dt.datetime | None
    report: str
    escalation_started_at: dt.datetime | None
    acknowledged_at: dt.datetime | None


class IncidentIn(Schema):
    title: str = Field(max_length=120)
    level: str = Field(max_length=20)
    place: str = Field("", max_length=120)
    description: str = Field("", max_length=TEXT)


class StepIn(Schema):
    step: Literal["verified", "leader_told", "instructions", "reported_upward"]
    text: str = Field("", max_length=500)


class ChecklistIn(Schema):
    answers: dict[str, bool]
    notes: dict[str, str] = Field(default_factory=dict)


class HandoverIn(Schema):
    equipment: str = Field(max_length=500)
    open_issues: list[str] = Field(default_factory=list, max_length=50)
    staffing: str = Field("", max_length=500)


class SpotCheckIn(Schema):
    person: str = Field(max_length=24)
    method: Literal["challenge", "phone", "on_site"] = "challenge"
    present: bool | None = None
    note: str = Field("", max_length=500)


class SpotCheckOut(Schema):
    public_id: str
    person: str
    method: str
    issued_at: dt.datetime
    answer_by: dt.datetime | None
    answered_at: dt.datetime | None
    present: bool | None


def _shift_out(shift: DutyShift) -> dict[str, Any]:
    return {
        "public_id": shift.public_id,
        "unit": shift.unit.public_id,
        "unit_name": shift.unit.name,
        "date": shift.date,
        "shift": shift.shift_type.name,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "status": shift.status,
    }


def _detail(shift: DutyShift) -> ShiftDetailOut:
    crew = [
        CrewOut(
            person=a.person.public_id,
            name=a.person.name,
            post=a.post,
            phone=a.person.mobile or a.person.office_phone,
            checked_in_at=a.checked_in_at,
            late_minutes=a.late_minutes,
        )
        for rows in shifts.crew(shift).values()
        for a in rows
    ]
    handover = Handover.objects.filter(shift=shift).first()
    return ShiftDetailOut(
        **_shift_out(shift),
        crew=crew,
        checklist_done=hasattr(shift, "checklist"),
        handover_accepted=None if handover is None else handover.accepted_at is not None,
    )


def _entry_out(entry: LogEntry) -> LogEntryOut:
    kind = ops_03.KINDS.get(entry.kind)
    return LogEntryOut(
        public_id=entry.public_id,
        shift=entry.shift.public_id,
        kind=entry.kind,
        kind_name=kind.zh if kind else entry.kind,
        occurred_at=entry.occurred_at,
        fields={str(k): str(v) for k, v in entry.fields.items()},
        urgent=entry.urgent,
        amends=entry.amends.public_id if entry.amends else None,
        amend_reason=entry.amend_reason,
    )


def _incident_out(incident: Incident) -> IncidentOut:
    return IncidentOut(
        public_id=incident.public_id,
        shift=incident.shift.public_id,
        title=incident.title,
        level=incident.level,
        place=incident.place,
        raised_at=incident.raised_at,
        verified_at=incident.verified_at,
        leader_told_at=incident.leader_told_at,
        instructions_at=incident.instructions_at,
        reported_upward_at=incident.reported_upward_at,
        report_due_at=incident.report_due_at,
        report=incident.report,
        escalation_started_at=incident.escalation_started_at,
        acknowledged_at=incident.acknowledged_at,
    )


def _shift(request: HttpRequest, public_id: str) -> DutyShift:
    return selectors.shift_get(user=_caller(request), public_id=public_id)


@router.get("/shifts", response={200: list[ShiftOut], **errors(422)})
def shift_list(request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[Any]:
    """Shifts I am on, and those of the units I may view, newest first."""
    rows = selectors.shift_list(user=_caller(request))
    if date_from is not None:
        rows = rows.filter(date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(date__lte=date_to)
    return [_shift_out(s) for s in rows.order_by("-starts_at")[:LIST_MAX]]


@router.get("/shifts/{public_id}", response={200: ShiftDetailOut, **errors(404)})
def shift_detail(request: HttpRequest, public_id: str) -> ShiftDetailOut:
    return _detail(_shift(request, public_id))


@router.post("/shifts/{public_id}/check-in", response={200: ShiftDetailOut, **errors(403, 404, 422)})
def check_in(request: HttpRequest, public_id: str) -> ShiftDetailOut:
    """到岗登记 (OPS-01)."""
    shift = _shift(request, public_id)
    services.check_in(actor=_caller(request), shift=shift)
    return _detail(shift)


@router.get("/log", response={200: list[LogEntryOut], **errors()})
def log_list(request: HttpRequest, q: str = "", kind: str = "") -> list[LogEntryOut]:
    """The log I may read, newest first; `q` searches in Chinese (one- and two-character words too)."""
    entries = selectors.log_list(user=_caller(request))
    if q.strip():
        entries = search.search(entries, q)
    if kind:
        entries = entries.filter(kind=kind)
    rows = entries.select_related("shift", "amends").order_by("-occurred_at", "-id")[:LIST_MAX]
    return [_entry_out(e) for e in rows]


@router.post("/shifts/{public_id}/log", response={201: LogEntryOut, **errors(400, 403, 404, 422)})
def log_write(request: HttpRequest, public_id: str, payload: LogEntryIn) -> Status:
    """Log an entry on my shift (OPS-03)."""
    entry = services.log_write(
        actor=_caller(request),
        shift=_shift(request, public_id),
        kind=payload.kind,
        fields=payload.fields,
        occurred_at=payload.occurred_at,
        urgent=payload.urgent,
    )
    return Status(201, _entry_out(entry))


@router.post("/log/{public_id}/amend", response={201: LogEntryOut, **errors(400, 403, 404, 422)})
def log_amend(request: HttpRequest, public_id: str, payload: AmendIn) -> Status:
    """Correct an entry: a new entry that amends the original, which stays."""
    entry = selectors.log_list(user=_caller(request)).filter(public_id=public_id).select_related("shift").first()
    if entry is None:
        raise Http404("no such entry")
    amended = services.log_amend(actor=_caller(request), entry=entry, fields=payload.fields, reason=payload.reason)
    return Status(201, _entry_out(amended))


@router.get("/incidents", response={200: list[IncidentOut], **errors()})
def incident_list(request: HttpRequest) -> list[IncidentOut]:
    return [_incident_out(i) for i in selectors.incident_list(user=_caller(request)).order_by("-raised_at")[:LIST_MAX]]


@router.get("/incidents/{public_id}", response={200: IncidentOut, **errors(404)})
def incident_detail(request: HttpRequest, public_id: str) -> IncidentOut:
    return _incident_out(selectors.incident_get(user=_caller(request), public_id=public_id))


@router.post("/shifts/{public_id}/incidents", response={201: IncidentOut, **errors(400, 403, 404, 422)})
def incident_raise(request: HttpRequest, public_id: str, payload: IncidentIn) -> Status:
    """Raise an incident; the upward-report clock of its level starts (OPS-04)."""
    incident = incidents.incident_raise(
        actor=_caller(request),
        shift=_shift(request, public_id),
        title=payload.title,
        level=payload.level,
        place=payload.place,
        description=payload.description,
    )
    return Status(201, _incident_out(incident))


@router.post("/incidents/{public_id}/steps", response={200: IncidentOut, **errors(400, 403, 404, 422)})
def incident_step(request: HttpRequest, public_id: str, payload: StepIn) -> IncidentOut:
    """Stamp the next step: verified → leader_told → instructions → reported_upward."""
    incident = selectors.incident_get(user=_caller(request), public_id=public_id)
    return _incident_out(
        incidents.incident_step(actor=_caller(request), incident=incident, step=payload.step, text=payload.text)
    )


@router.post("/incidents/{public_id}/acknowledge", response={200: IncidentOut, **errors(403, 404, 422)})
def incident_acknowledge(request: HttpRequest, public_id: str) -> IncidentOut:
    incident = selectors.incident_get(user=_caller(request), public_id=public_id)
    return _incident_out(incidents.incident_acknowledge(actor=_caller(request), incident=incident))


@router.post("/shifts/{public_id}/checklist", response={200: ShiftDetailOut, **errors(400, 403, 404, 422)})
def checklist(request: HttpRequest, public_id: str, payload: ChecklistIn) -> ShiftDetailOut:
    shift = _shift(request, public_id)
    services.checklist_fill(actor=_caller(request), shift=shift, answers=payload.answers, notes=payload.notes)
    return _detail(shift)


@router.post("/shifts/{public_id}/handover", response={200: ShiftDetailOut, **errors(400, 403, 404, 422)})
def handover_write(request: HttpRequest, public_id: str, payload: HandoverIn) -> ShiftDetailOut:
    shift = _shift(request, public_id)
    services.handover_write(
        actor=_caller(request),
        shift=shift,
        equipment=payload.equipment,
        open_issues=payload.open_issues,
        staffing=payload.staffing,
    )
    return _detail(shift)


@router.post("/shifts/{public_id}/handover/accept", response={200: ShiftDetailOut, **errors(403, 404, 422)})
def handover_accept(request: HttpRequest, public_id: str) -> ShiftDetailOut:
    """Accept the handover made to this (incoming) shift."""
    shift = _shift(request, public_id)
    handover = Handover.objects.filter(incoming=shift).first()
    if handover is None:
        raise Http404("no handover to accept")
    services.handover_accept(actor=_caller(request), handover=handover)
    return _detail(shift)


@router.post("/shifts/{public_id}/close", response={200: ShiftDetailOut, **errors(403, 404, 422)})
def close(request: HttpRequest, public_id: str) -> ShiftDetailOut:
    """End the duty (OPS-06: only after the incoming officer accepted the handover)."""
    shift = services.shift_close(actor=_caller(request), shift=_shift(request, public_id))
    return _detail(shift)


@router.post("/shifts/{public_id}/spot-checks", response={201: SpotCheckOut, **errors(400, 403, 404, 422)})
def spot_check_issue(request: HttpRequest, public_id: str, payload: SpotCheckIn) -> Status:
    """A presence challenge, or a check made by phone or on site (OPS-08)."""
    shift = _shift(request, public_id)
    attendance = shift.attendances.filter(person__public_id=payload.person).select_related("person").first()
    if attendance is None:
        raise Http404("nobody by that id on this shift")
    check = services.spot_check_issue(
        actor=_caller(request),
        shift=shift,
        person=attendance.person,
        method=payload.method,
        present=payload.present,
        note=payload.note,
    )
    return Status(
        201,
        SpotCheckOut(
            public_id=check.public_id,
            person=attendance.person.public_id,
            method=check.method,
            issued_at=check.issued_at,
            answer_by=check.answer_by,
            answered_at=check.answered_at,
            present=check.present,
        ),
    )


@router.post("/spot-checks/{public_id}/answer", response={200: SpotCheckOut, **errors(403, 404, 422)})
def spot_check_answer(request: HttpRequest, public_id: str) -> SpotCheckOut:
    check = services.spot_check_answer(
        actor=_caller(request), check=selectors.spot_check_get(user=_caller(request), public_id=public_id)
    )
    return SpotCheckOut(
        public_id=check.public_id,
        person=check.person.public_id,
        method=check.method,
        issued_at=check.issued_at,
        answer_by=check.answer_by,
        answered_at=check.answered_at,
        present=check.present,
    )
