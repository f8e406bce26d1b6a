"""The duty's deadlines as the worker fires them (see `deadlines.py`). Each handler re-reads its row and does nothing
when the state has moved on, so a run that comes twice or late is harmless."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock, jobs
from zhiban.duty import alerts, deadlines, incidents, selectors, services, shifts
from zhiban.duty.models import DailyReport, DutyShift, Incident, KeyLoan, PostAbsence, ShiftReport, SpotCheck
from zhiban.duty.policy import params as rule_params
from zhiban.org.scopes import active_person
from zhiban.policy import services as policy
from zhiban.policy.rules import ops_01, ops_04, ops_05, ops_07, ops_08, ops_09
from zhiban.roster.models import Post

# How far ahead the worker prepares shifts and their deadlines.
# source: default — a day ahead covers every check-in escalation and roll call of the next shift.
AHEAD = dt.timedelta(days=1)


def _link(shift: DutyShift) -> str:
    return reverse("duty:shift", args=[shift.public_id])


@jobs.job_handler("duty.prepare", every=dt.timedelta(minutes=5))
def prepare(payload: dict[str, Any]) -> None:
    """Make the shifts of today and tomorrow from the published rosters, with their deadlines, and the day's
    reports of report days."""
    today = clock.today()
    prepared = shifts.prepare(today - dt.timedelta(days=1), today + AHEAD)
    now = clock.now()
    units = {}
    for shift in prepared.shifts:
        if shift.ends_at > now:
            deadlines.for_shift(shift)
        units[shift.unit_id] = shift.unit
    for unit in units.values():
        _daily_reports(unit, today)


def _daily_reports(unit: Any, today: dt.date) -> None:
    params = rule_params(unit, ops_05.RULE_ID)
    if params is None:
        return
    tz = clock.local_tz()
    for fact in calendar_selectors.day_facts(today, today + AHEAD):
        holiday_period = bool(fact.holiday_name) and not fact.is_working_day
        if not ops_05.is_report_day(holiday_period, params):
            continue
        start, end = ops_05.window(fact.day, tz, params)
        slot = DutyShift.objects.filter(unit=unit, starts_at__lte=start, ends_at__gte=end).order_by("starts_at").first()
        officer = None
        if slot is not None:
            first = slot.attendances.filter(post=Post.DUTY_OFFICER).select_related("person").first()
            officer = first.person if first else None
        report, created = DailyReport.objects.get_or_create(
            unit=unit, date=fact.day, defaults={"officer": officer, "due_at": ops_05.due_at(fact.day, tz, params)}
        )
        if not created and report.officer_id is None and officer is not None:
            report.officer = officer
            report.save(update_fields=["officer"])
        if report.sent_at is None and report.due_at > clock.now():
            deadlines.daily_report(report, params)


@jobs.job_handler(deadlines.CHECK_IN)
def check_in_due(payload: dict[str, Any]) -> None:
    """No check-in by the pack's minutes after the start: the leader on duty and the department head are told."""
    shift = DutyShift.objects.select_related("unit", "shift_type").filter(pk=payload["shift"]).first()
    if shift is None or shift.is_closed:
        return
    missing = list(shift.attendances.filter(checked_in_at__isnull=True).select_related("person"))
    if not missing:
        return
    facts = [ops_01.MissingCheckIn(a.person.name, clock.local(shift.starts_at), clock.local_now()) for a in missing]
    outcome = policy.evaluate(unit=shift.unit, rule_ids=[ops_01.RULE_ID], facts=facts)
    lines = [f.finding.message_zh for f in outcome.notes]
    if not lines:
        return
    leaders = [p for p in selectors.leaders_on(shift) if p.pk not in {a.person_id for a in missing}]
    alerts.tell(
        [*leaders, *selectors.department_heads(shift.unit), *(a.person for a in missing)],
        f"未按时到岗：{shift.unit.name}{shift.date.month}月{shift.date.day}日{shift.shift_type.name}",
        body="\n".join(lines),
        link=_link(shift),
        dedupe_key=f"{deadlines.CHECK_IN}:{shift.pk}",
        unit=shift.unit,
    )


@jobs.job_handler(deadlines.ROLL_CALL)
def roll_call(payload: dict[str, Any]) -> None:
    shift = DutyShift.objects.select_related("shift_type").filter(pk=payload["shift"]).first()
    if shift is None or shift.status != DutyShift.Status.SCHEDULED:
        return
    people = [a.person for a in shift.attendances.filter(checked_in_at__isnull=True).select_related("person")]
    alerts.tell(
        people,
        f"班前点名：{shift.shift_type.name}{clock.local(shift.starts_at):%H:%M}开始，请提前到岗",
        link=_link(shift),
        dedupe_key=f"{deadlines.ROLL_CALL}:{shift.pk}",
    )


@jobs.job_handler(deadlines.REPORT_DUE)
def report_due(payload: dict[str, Any]) -> None:
    shift = DutyShift.objects.select_related("unit", "shift_type").filter(pk=payload["shift"]).first()
    if shift is None or ShiftReport.objects.filter(shift=shift).exists() or shift.closed_at is None:
        return
    facts = ops_07.ShiftReport(shift.closed_at, None, None, clock.now())
    outcome = policy.evaluate(unit=shift.unit, rule_ids=[ops_07.RULE_ID], facts=facts)
    if outcome.notes:
        people = [a.person for a in shift.attendances.filter(post=Post.DUTY_OFFICER).select_related("person")]
        alerts.tell(
            people,
            f"值班报告表未提交：{shift.date.month}月{shift.date.day}日{shift.shift_type.name}",
            body=outcome.notes[0].finding.message_zh,
            link=_link(shift),
            dedupe_key=f"{deadlines.REPORT_DUE}:{shift.pk}",
        )


@jobs.job_handler(deadlines.REVIEW_DUE)
def review_due(payload: dict[str, Any]) -> None:
    report = ShiftReport.objects.select_related("shift__unit", "shift__shift_type").filter(pk=payload["report"]).first()
    if report is None or report.reviewed_at is not None:
        return
    facts = ops_07.ShiftReport(report.shift.closed_at or report.submitted_at, report.submitted_at, None, clock.now())
    outcome = policy.evaluate(unit=report.shift.unit, rule_ids=[ops_07.RULE_ID], facts=facts)
    if any(f.check == "supervisor_review" for f in outcome.notes):
        shift = report.shift
        alerts.tell(
            selectors.supervisors(shift.unit),
            f"值班报告表待审阅已逾期：{shift.date.month}月{shift.date.day}日{shift.shift_type.name}",
            link=reverse("duty:report", args=[report.public_id]),
            dedupe_key=f"{deadlines.REVIEW_DUE}:{report.pk}",
        )


@jobs.job_handler(deadlines.SPOT_CHECK)
def spot_check_due(payload: dict[str, Any]) -> None:
    """An unanswered presence challenge escalates and becomes an absence from the post."""
    check = SpotCheck.objects.select_related("shift__unit", "person").filter(pk=payload["check"]).first()
    if check is None or check.answered_at is not None or check.present is not None:
        return
    facts = ops_08.Challenge(check.person.name, clock.local(check.issued_at), None, clock.local_now())
    outcome = policy.evaluate(unit=check.shift.unit, rule_ids=[ops_08.RULE_ID], facts=facts)
    if not outcome.notes:
        return
    check.present = False
    check.save(update_fields=["present"])
    services.absence_report(
        actor=None,
        shift=check.shift,
        person=check.person,
        left_at=check.issued_at,
        returned_at=None,
        note=outcome.notes[0].finding.message_zh,
        source=PostAbsence.Source.SPOT_CHECK,
    )
    alerts.tell(
        [*selectors.leaders_on(check.shift), *selectors.department_heads(check.shift.unit)],
        f"查岗未应答：{check.person.name}",
        body="\n".join(f.finding.message_zh for f in outcome.notes),
        link=_link(check.shift),
        dedupe_key=f"{deadlines.SPOT_CHECK}:{check.pk}",
        unit=check.shift.unit,
    )


@jobs.job_handler(deadlines.SPOT_CHECK_LATER)
def spot_check_issue(payload: dict[str, Any]) -> None:
    """A scheduled or random presence challenge falls due: issue it in the name of who scheduled it, to the person
    named or to one of the officers checked in now, drawn at random. Nothing when the shift is over or nobody is in."""
    shift = DutyShift.objects.select_related("unit").filter(pk=payload["shift"]).first()
    by = User.objects.filter(pk=payload["by"], is_active=True).first()
    if shift is None or by is None or shift.is_closed or clock.now() > shift.ends_at:
        return
    present = shift.attendances.filter(checked_in_at__isnull=False, checked_out_at__isnull=True).select_related(
        "person"
    )
    if payload.get("person"):
        present = present.filter(person_id=payload["person"])
    mine = active_person(by)
    candidates = [a.person for a in present if mine is None or a.person_id != mine.pk]
    if not candidates:
        return
    person = secrets.SystemRandom().choice(candidates)
    services.spot_check_issue(actor=by, shift=shift, person=person)


@jobs.job_handler(deadlines.KEY_DUE)
def key_due(payload: dict[str, Any]) -> None:
    loan = KeyLoan.objects.select_related("shift__unit", "holder").filter(pk=payload["loan"]).first()
    if loan is None or loan.returned_at is not None:
        return
    facts = ops_09.KeyLoan(loan.holder.name, loan.issued_at, loan.shift.ends_at, None, clock.now())
    outcome = policy.evaluate(unit=loan.shift.unit, rule_ids=[ops_09.RULE_ID], facts=facts)
    reminders = [f for f in outcome.notes if f.check == "key_not_returned"]
    if reminders:
        alerts.tell(
            [loan.holder, *selectors.secretariat(loan.shift.unit)],
            "值班室钥匙未归还",
            body=reminders[0].finding.message_zh,
            link=_link(loan.shift),
            dedupe_key=f"{deadlines.KEY_DUE}:{loan.pk}",
        )


def _incident(payload: dict[str, Any]) -> Incident | None:
    return Incident.objects.select_related("shift", "unit").filter(pk=payload["incident"]).first()


@jobs.job_handler(deadlines.INCIDENT_REMINDER)
def incident_reminder(payload: dict[str, Any]) -> None:
    incident = _incident(payload)
    if incident is None or incident.reported_upward_at is not None or incident.report_due_at is None:
        return
    people = [a.person for a in incident.shift.attendances.filter(checked_in_at__isnull=False).select_related("person")]
    alerts.tell(
        people,
        f"提醒：{incident.title}须在{clock.local(incident.report_due_at):%H:%M}前向上级报告",
        link=reverse("duty:incident", args=[incident.public_id]),
        dedupe_key=f"{deadlines.INCIDENT_REMINDER}:{incident.pk}",
    )


@jobs.job_handler(deadlines.INCIDENT_DEADLINE)
def incident_deadline(payload: dict[str, Any]) -> None:
    """The upward report is overdue: record it (逾时未报) and start the escalation chain."""
    incident = _incident(payload)
    if incident is None or incident.reported_upward_at is not None:
        return
    facts = ops_04.IncidentClock(incident.title, incident.level, incident.raised_at, None, clock.now())
    outcome = policy.evaluate(unit=incident.unit, rule_ids=[ops_04.RULE_ID], facts=facts)
    if not outcome.notes:
        return
    if incident.report == Incident.Report.PENDING:
        incident.report = Incident.Report.MISSED
        incident.save(update_fields=["report"])
    for finding in outcome.notes:
        incidents._event(incident, "overdue", finding.finding.message_zh)
    incidents.start_escalation(incident)


@jobs.job_handler(deadlines.ESCALATION)
def escalation_page(payload: dict[str, Any]) -> None:
    incident = _incident(payload)
    if incident is not None:
        incidents.page(incident, int(payload["step"]), int(payload["attempt"]))


@jobs.job_handler(deadlines.DAILY_REMINDER)
def daily_report_reminder(payload: dict[str, Any]) -> None:
    report = DailyReport.objects.select_related("unit", "officer").filter(pk=payload["report"]).first()
    if report is None or report.sent_at is not None or report.officer is None:
        return
    alerts.tell(
        [report.officer],
        f"请在{clock.local(report.due_at):%H:%M}前报送当日值班信息",
        link=reverse("duty:daily_report", args=[report.public_id]),
        dedupe_key=f"{deadlines.DAILY_REMINDER}:{report.pk}",
    )


@jobs.job_handler(deadlines.DAILY_DUE)
def daily_report_due(payload: dict[str, Any]) -> None:
    """Not sent by the deadline: recorded as missed and passed to the leader on duty."""
    report = DailyReport.objects.select_related("unit", "officer").filter(pk=payload["report"]).first()
    if report is None or report.sent_at is not None:
        return
    holiday = True  # the report exists only on report days
    facts = ops_05.DailyReport(report.date, holiday, None, clock.local_now())
    outcome = policy.evaluate(unit=report.unit, rule_ids=[ops_05.RULE_ID], facts=facts)
    if not any(f.check == "missed_report" for f in outcome.notes):
        return
    report.missed = True
    report.save(update_fields=["missed"])
    slot = DutyShift.objects.filter(unit=report.unit, date=report.date).order_by("starts_at")
    leaders = [p for shift in slot for p in selectors.leaders_on(shift)]
    alerts.tell(
        [*leaders, *([report.officer] if report.officer else [])],
        f"当日值班信息逾期未报：{report.date.month}月{report.date.day}日",
        link=reverse("duty:daily_report", args=[report.public_id]),
        dedupe_key=f"{deadlines.DAILY_DUE}:{report.pk}",
        unit=report.unit,
    )
