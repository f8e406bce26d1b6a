"""Every deadline of the duty as a job row (`zhiban.core.jobs`), scheduled in the transaction that creates it.

Each job has a dedupe key, so scheduling twice schedules once; each handler (`jobs.py`) re-reads the row and does
nothing when the state has moved on (the officer checked in, the report was sent), so a run is harmless twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from zhiban.core import jobs
from zhiban.duty.models import DailyReport, DutyShift, Incident, KeyLoan, ShiftReport, SpotCheck
from zhiban.duty.policy import params as rule_params
from zhiban.policy.rules import ops_01, ops_04, ops_05, ops_06, ops_07

CHECK_IN = "duty.check_in_due"
ROLL_CALL = "duty.roll_call"
REPORT_DUE = "duty.report_due"
REVIEW_DUE = "duty.review_due"
SPOT_CHECK = "duty.spot_check_due"
SPOT_CHECK_LATER = "duty.spot_check_issue"
KEY_DUE = "duty.key_due"
INCIDENT_REMINDER = "duty.incident_reminder"
INCIDENT_DEADLINE = "duty.incident_deadline"
ESCALATION = "duty.escalation_page"
DAILY_REMINDER = "duty.daily_report_reminder"
DAILY_DUE = "duty.daily_report_due"


def for_shift(shift: DutyShift) -> None:
    """The deadlines a shift has before anyone opens it: the check-in escalation, the roll call."""
    checkin = rule_params(shift.unit, ops_01.RULE_ID)
    if checkin is not None:
        jobs.schedule(
            CHECK_IN, {"shift": shift.pk}, ops_01.escalate_at(shift.starts_at, checkin), f"{CHECK_IN}:{shift.pk}"
        )
    handover = rule_params(shift.unit, ops_06.RULE_ID)
    if handover is not None and "arrive_early" in handover:
        jobs.schedule(
            ROLL_CALL, {"shift": shift.pk}, ops_06.roll_call_at(shift.starts_at, handover), f"{ROLL_CALL}:{shift.pk}"
        )


def after_close(shift: DutyShift) -> None:
    params = rule_params(shift.unit, ops_07.RULE_ID)
    if params is not None and shift.closed_at is not None:
        jobs.schedule(
            REPORT_DUE, {"shift": shift.pk}, ops_07.submit_by(shift.closed_at, params), f"{REPORT_DUE}:{shift.pk}"
        )


def review_due(report: ShiftReport, params: Mapping[str, Any]) -> None:
    jobs.schedule(
        REVIEW_DUE, {"report": report.pk}, ops_07.review_by(report.submitted_at, params), f"{REVIEW_DUE}:{report.pk}"
    )


def spot_check_due(check: SpotCheck) -> None:
    if check.answer_by is not None:
        jobs.schedule(SPOT_CHECK, {"check": check.pk}, check.answer_by, f"{SPOT_CHECK}:{check.pk}")


def scheduled_spot_check(shift: DutyShift, at: dt.datetime, by: Any, person: Any | None) -> None:
    payload = {"shift": shift.pk, "by": by.pk, "person": person.pk if person is not None else None}
    jobs.schedule(SPOT_CHECK_LATER, payload, at)


def key_due(loan: KeyLoan) -> None:
    jobs.schedule(KEY_DUE, {"loan": loan.pk}, loan.due_at, f"{KEY_DUE}:{loan.pk}")


def incident(incident: Incident, params: Mapping[str, Any]) -> None:
    reminder = ops_04.reminder_at(incident.raised_at, incident.level, params)
    if reminder is not None:
        jobs.schedule(INCIDENT_REMINDER, {"incident": incident.pk}, reminder, f"{INCIDENT_REMINDER}:{incident.pk}")
    if incident.report_due_at is not None:
        jobs.schedule(
            INCIDENT_DEADLINE, {"incident": incident.pk}, incident.report_due_at, f"{INCIDENT_DEADLINE}:{incident.pk}"
        )


def escalation_page(incident: Incident, step: int, attempt: int, at: dt.datetime) -> None:
    jobs.schedule(
        ESCALATION,
        {"incident": incident.pk, "step": step, "attempt": attempt},
        at,
        f"{ESCALATION}:{incident.pk}:{step}:{attempt}",
    )


def daily_report(report: DailyReport, params: Mapping[str, Any]) -> None:
    tz = report.due_at.tzinfo or dt.UTC
    jobs.schedule(
        DAILY_REMINDER,
        {"report": report.pk},
        ops_05.reminder_at(report.date, tz, params),
        f"{DAILY_REMINDER}:{report.pk}",
    )
    jobs.schedule(DAILY_DUE, {"report": report.pk}, report.due_at, f"{DAILY_DUE}:{report.pk}")
