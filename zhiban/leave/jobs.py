"""Leave reminders and deadlines for the worker: 消假 after the leave (LEAVE-01), the medical certificate
(LEAVE-08), and the late request left unapproved when the leave starts (LEAVE-05, recorded as 旷工)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse

from zhiban.approvals import selectors as approval_selectors
from zhiban.core import clock, jobs
from zhiban.leave import rules, selectors, services
from zhiban.leave.models import LeaveRequest, RequestStatus
from zhiban.notify.services import notify
from zhiban.org.models import Person
from zhiban.policy.rules import leave_01, leave_08


def _leave(payload: dict[str, Any]) -> LeaveRequest | None:
    return LeaveRequest.objects.select_related("person", "unit").filter(pk=payload["leave"]).first()


def _approvers(leave: LeaveRequest) -> list[Person]:
    people = []
    for step in approval_selectors.steps_of(selectors.SUBJECT_LEAVE, leave.pk):
        if step.decided_by is not None:
            person = selectors.active_person(step.decided_by)
            if person is not None and person not in people:
                people.append(person)
    return people


@jobs.job_handler("leave.return_reminder")
def return_reminder(payload: dict[str, Any]) -> None:
    """LEAVE-01: the leave ended and is not cancelled (消假) — remind the person and the approvers."""
    leave = _leave(payload)
    if leave is None or leave.status != RequestStatus.APPROVED:
        return
    facts = leave_01.LeaveReturn(leave.person.name, leave.ends_at.astimezone(clock.local_tz()), clock.now(), False)
    outcome = rules.evaluate(leave.unit, ["LEAVE-01"], [facts])
    for note in outcome.notes:
        notify(
            recipients=[leave.person, *_approvers(leave)],
            subject=f"销假提醒：{note.detail('zh')}",
            link=reverse("leave:detail", args=[leave.public_id]),
            dedupe_key=f"leave.return:{leave.pk}",
        )


@jobs.job_handler("leave.certificate_due")
def certificate_due(payload: dict[str, Any]) -> None:
    """LEAVE-08: on the first day back, the certificate is not in — remind the team lead and the person."""
    leave = _leave(payload)
    if leave is None or leave.certificate_at is not None or leave.certificate_due is None:
        return
    if leave.certificate_due.isoformat() != payload.get("due") or leave.status not in (
        RequestStatus.APPROVED,
        RequestStatus.RETURNED,
    ):
        return  # stale: the due date moved (an early return) or the leave did not happen
    facts = leave_08.CertificateDue(
        leave.person.name,
        leave.kind,
        leave.working_days,
        leave.certificate_due,
        clock.now().astimezone(clock.local_tz()).date(),
        handed_in=False,
    )
    for note in rules.evaluate(leave.unit, ["LEAVE-08"], [facts]).notes:
        notify(
            recipients=[*selectors.team_leads_of(leave.person), leave.person],
            subject=f"病假证明提醒：{note.detail('zh')}",
            link=reverse("leave:detail", args=[leave.public_id]),
            dedupe_key=f"leave.certificate:{leave.pk}:{payload.get('due')}",
        )


@jobs.job_handler("leave.lapse")
def lapse(payload: dict[str, Any]) -> None:
    """LEAVE-05: a late request not approved by the start of the leave is recorded as absence."""
    with transaction.atomic():
        services.leave_lapse(leave_id=payload["leave"])


def approved_leave_days(person_ids: Any, start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
    """Unavailability provider for roster generation: the days of approved leave (to the actual return)."""
    tz = clock.local_tz()
    rows = LeaveRequest.objects.filter(
        person_id__in=list(person_ids),
        status__in=[RequestStatus.APPROVED, RequestStatus.RETURNED],
        starts_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
        ends_at__gt=dt.datetime.combine(start, dt.time(0), tzinfo=tz),
    ).values_list("person_id", "starts_at", "ends_at", "returned_at")
    days: dict[int, set[dt.date]] = {}
    for person_id, starts_at, ends_at, returned_at in rows:
        until = min(ends_at, returned_at) if returned_at else ends_at
        if until <= starts_at:
            continue
        first = starts_at.astimezone(tz).date()
        last = (until - dt.timedelta(microseconds=1)).astimezone(tz).date()
        day = max(first, start)
        while day <= min(last, end):
            days.setdefault(person_id, set()).add(day)
            day += dt.timedelta(days=1)
    return days
