"""Writes of the duty: check-in, absences, the log, the checklist, handover and close, the shift report, spot checks,
the key, the day's report and merits. Incidents are in `incidents.py`.

Every service is atomic, checks who may call it, asks the duty rules through the policy engine (so a refusal cites
rule, pack, clause and version) and records one audit event. Deadlines are `core.jobs` rows scheduled in the same
transaction (`deadlines.py`); their handlers are in `jobs.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.discipline.models import DisciplineRecord
from zhiban.discipline.services import absence_write
from zhiban.duty import alerts, deadlines, search, selectors, shifts
from zhiban.duty.models import (
    Attendance,
    Checklist,
    DailyReport,
    DutyMerit,
    DutyShift,
    FollowUp,
    Handover,
    KeyLoan,
    LogEntry,
    PostAbsence,
    ShiftReport,
    SpotCheck,
)
from zhiban.duty.policy import params as rule_params
from zhiban.leave.models import LeaveRequest, RequestStatus
from zhiban.org.models import Person
from zhiban.org.own_matters import refuse_own_matter
from zhiban.org.scopes import active_person
from zhiban.policy import services as policy
from zhiban.policy.rules import leave_11, ops_01, ops_02, ops_03, ops_06, ops_07, ops_08, ops_09, ops_11, ops_12
from zhiban.roster.models import Post

# source: default — the texts say "at the start of work": the next morning at office opening.
WORK_STARTS = dt.time(8, 30)
TEXT_MAX = 500


def _shift_link(shift: DutyShift) -> str:
    return reverse("duty:shift", args=[shift.public_id])


def _minutes(delta: dt.timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def _require_on_shift(actor: User, shift: DutyShift) -> Attendance:
    attendance = selectors.attendance_of(actor, shift)
    if attendance is None:
        raise PermissionDenied("你不在这个班次上")
    return attendance


def _require_open(shift: DutyShift) -> None:
    shift.refresh_from_db(fields=["status", "closed_at"])  # the caller's copy may predate the close
    if shift.is_closed:
        raise ValidationError("本班已结束，记录已封存")


def _require_checked_in(actor: User, shift: DutyShift) -> Attendance:
    attendance = _require_on_shift(actor, shift)
    _require_open(shift)
    if attendance.checked_in_at is None:
        raise ValidationError("请先到岗登记")
    return attendance


def _clean(value: object, field: str, *, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: "此项必填"})
    if len(text) > limit:
        raise ValidationError({field: f"最多{limit}字"})
    return text


def stamp_once(
    row: Any,
    *,
    actor: User,
    at: str,
    by: str,
    action: str,
    already: str,
    also: Mapping[str, Any] | None = None,
) -> None:
    """Stamp `row.<at>` with now and `row.<by>` with the actor (and the `also` fields), once: a second time is
    refused with `already`. Saves those fields and records one audit event `action` with them."""
    if getattr(row, at) is not None:
        raise ValidationError(already)
    values = {at: clock.now(), by: actor, **(also or {})}
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=list(values))
    audit.record(
        actor=actor,
        action=action,
        object_type=type(row)._meta.model_name or "",
        object_id=row.public_id,
        after={name: value for name, value in values.items() if name != by},
    )


def _discipline(
    *, actor: User | None, person: Person, shift: DutyShift, kind: str, rule_id: str, note: str
) -> DisciplineRecord:
    return absence_write(
        actor=actor,
        person=person,
        day=shift.date,
        shift_type=shift.shift_type,
        rule_id=rule_id,
        subject_type="duty_shift",
        subject_id=shift.pk,
        share="1",
        note=note,
        kind=kind,
    )


def _on_leave(person: Person, at: dt.datetime) -> bool:
    return LeaveRequest.objects.filter(
        person=person, status=RequestStatus.APPROVED, starts_at__lte=at, ends_at__gt=at
    ).exists()


# ── check-in (OPS-01, LEAVE-11) ─────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def check_in(*, actor: User, shift: DutyShift) -> Attendance:
    """到岗登记: records the time range, the leader on duty and the staff as the roster names them; lateness of
    LEAVE-11's limit or more without approved leave becomes a discipline record."""
    shift = DutyShift.objects.select_for_update(of=("self",)).get(pk=shift.pk)
    attendance = _require_on_shift(actor, shift)
    _require_open(shift)
    if attendance.checked_in_at is not None:
        raise ValidationError("你已到岗登记")
    now = clock.now()
    if now < shift.starts_at - shifts.EARLY:
        raise ValidationError(f"值班从{clock.local(shift.starts_at):%H:%M}开始，还不能到岗登记")
    crew = shifts.crew(shift)
    leaders = tuple(a.person.name for a in crew[Post.DUTY_LEADER])
    staff = tuple(a.person.name for a in crew[Post.DUTY_OFFICER])
    facts = ops_01.CheckIn(
        person_name=attendance.person.name,
        starts_at=clock.local(shift.starts_at),
        ends_at=clock.local(shift.ends_at),
        checked_in_at=clock.local(now),
        leader_names=leaders,
        staff_names=staff,
        needs_leader=shift.shift_type.needs_leader,
    )
    policy.enforce(unit=shift.unit, rule_ids=[ops_01.RULE_ID], facts=facts)
    late = _minutes(now - shift.starts_at)
    attendance.checked_in_at = now
    attendance.late_minutes = late
    attendance.record = {
        "from": clock.local(shift.starts_at).isoformat(),
        "to": clock.local(shift.ends_at).isoformat(),
        "leaders": list(leaders),
        "staff": list(staff),
        "drivers": [a.person.name for a in crew[Post.STANDBY_DRIVER]],
    }
    attendance.save(update_fields=["checked_in_at", "late_minutes", "record"])
    if shift.status == DutyShift.Status.SCHEDULED:
        shift.status = DutyShift.Status.OPEN
        shift.save(update_fields=["status"])
    breach = leave_11.Breach(
        attendance.person.name, leave_11.LATE, late, excused=_on_leave(attendance.person, shift.starts_at)
    )
    outcome = policy.evaluate(unit=shift.unit, rule_ids=[leave_11.RULE_ID], facts=breach)
    for finding in outcome.notes:
        _discipline(
            actor=None,
            person=attendance.person,
            shift=shift,
            kind=DisciplineRecord.Kind.LATE,
            rule_id=leave_11.RULE_ID,
            note=finding.finding.message_zh,
        )
    audit.record(
        actor=actor,
        action="duty.attendance.check_in",
        object_type="duty_shift",
        object_id=shift.public_id,
        after={"person": attendance.person.public_id, "post": attendance.post, "late_minutes": late},
    )
    return attendance


# ── absences from the post (OPS-02, LEAVE-11) ───────────────────────────────────────────────────────────────────


@transaction.atomic
def absence_report(
    *,
    actor: User | None,
    shift: DutyShift,
    person: Person,
    left_at: dt.datetime,
    returned_at: dt.datetime | None,
    permitted: bool = False,
    note: str = "",
    source: str = PostAbsence.Source.FOUND,
) -> PostAbsence:
    """Record an officer away from the post. The leader on duty or a manager of the unit records it, never the
    officer; an unpermitted absence is a discipline record (OPS-02; LEAVE-11 where the pack sets its minutes)."""
    if actor is not None:
        refuse_own_matter(actor, [person])
        if not (selectors.can_manage(actor, shift.unit) or selectors.is_leader_of(actor, shift)):
            raise PermissionDenied("只有带班领导或本单位负责人可以登记脱岗")
    if not shift.attendances.filter(person=person).exists():
        raise ValidationError({"person": f"{person.name}不在这个班次上"})
    if returned_at is not None and returned_at < left_at:
        raise ValidationError({"returned_at": "返岗时间不能早于离岗时间"})
    note = _clean(note, "note")
    absence = PostAbsence.objects.create(
        shift=shift,
        person=person,
        source=source,
        left_at=left_at,
        returned_at=returned_at,
        permitted=permitted,
        note=note,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    minutes = _minutes(returned_at - left_at) if returned_at is not None else None
    found_by = active_person(actor).name if active_person(actor) else "系统查岗"  # type: ignore[union-attr]
    facts: list[object] = [ops_02.PostAbsence(person.name, clock.local(left_at), minutes, permitted, found_by)]
    # Still away when recorded: counted up to now.
    away = minutes if minutes is not None else _minutes(clock.now() - left_at)
    facts.append(leave_11.Breach(person.name, leave_11.AWAY, away, excused=permitted))
    outcome = policy.evaluate(unit=shift.unit, rule_ids=[ops_02.RULE_ID, leave_11.RULE_ID], facts=facts)
    by_rule = {f.citation.rule_id: f for f in outcome.notes}
    # Where the pack sets LEAVE-11's minutes they decide what is a breach; elsewhere every unpermitted absence is.
    decides = leave_11.RULE_ID if leave_11.RULE_ID in outcome.evaluated else ops_02.RULE_ID
    chosen = by_rule.get(decides)
    if chosen is not None and not permitted:
        _discipline(
            actor=actor,
            person=person,
            shift=shift,
            kind=DisciplineRecord.Kind.AWAY,
            rule_id=chosen.citation.rule_id,
            note=note or chosen.finding.message_zh,
        )
    audit.record(
        actor=actor,
        action="duty.absence.record",
        object_type="post_absence",
        object_id=absence.public_id,
        after={"person": person.public_id, "shift": shift.public_id, "minutes": minutes, "permitted": permitted},
    )
    return absence


# ── the duty log (OPS-03) ───────────────────────────────────────────────────────────────────────────────────────


def _entry_facts(kind: str, fields: Mapping[str, Any], urgent: bool) -> ops_03.LogEntry:
    if kind not in ops_03.KINDS:
        raise ValidationError({"kind": f"未知的记录类别：{kind}"})
    cleaned = {}
    for name, value in fields.items():
        field = next((f for f in ops_03.KINDS[kind].fields if f.name == name), None)
        cleaned[str(name)] = _clean(value, str(name), limit=2000 if field is not None and field.long else 200)
    return ops_03.LogEntry(kind=kind, fields=cleaned, urgent=urgent and kind == "meeting")


def _search_text(kind: str, fields: Mapping[str, str]) -> str:
    return search.normalise(" ".join([ops_03.KINDS[kind].zh, *(str(v) for v in fields.values())]))


def _next_work_start(after: dt.datetime) -> dt.datetime:
    local = clock.local(after)
    start = dt.datetime.combine(local.date(), WORK_STARTS, tzinfo=local.tzinfo)
    return start if start > local else start + dt.timedelta(days=1)


def _write_entry(
    *,
    actor: User,
    shift: DutyShift,
    facts: ops_03.LogEntry,
    occurred_at: dt.datetime,
    amends: LogEntry | None,
    reason: str,
) -> LogEntry:
    outcome = policy.enforce(unit=shift.unit, rule_ids=[ops_03.RULE_ID], facts=facts)
    entry = LogEntry.objects.create(
        shift=shift,
        unit=shift.unit,
        kind=facts.kind,
        occurred_at=occurred_at,
        fields=dict(facts.fields),
        urgent=facts.urgent,
        search_text=_search_text(facts.kind, facts.fields),
        search_terms=search.index_terms(_search_text(facts.kind, facts.fields)),
        amends=amends,
        amend_reason=reason,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    checks = {f.check for f in outcome.notes}
    if amends is None and "sealed_handover" in checks:
        FollowUp.objects.create(entry=entry, task="原封呈送领导", due_at=_next_work_start(occurred_at))
    if amends is None and "urgent_meeting_notice" in checks:
        FollowUp.objects.create(entry=entry, task="立即通知参会人员", due_at=clock.now())
        recipients = selectors.leaders_on(shift)
        params = rule_params(shift.unit, ops_03.RULE_ID) or {}
        if ops_03.tells_secretariat(params):
            recipients += selectors.secretariat(shift.unit)
        alerts.tell(
            recipients,
            f"紧急会议通知：{facts.fields.get('meeting_name', '')}（{facts.fields.get('meeting_time', '')}，"
            f"{facts.fields.get('place', '')}）",
            body=f"参会人员：{facts.fields.get('attendees', '')}\n{facts.fields.get('requirements', '')}".strip(),
            link=_shift_link(shift),
            dedupe_key=f"duty-urgent-meeting:{entry.pk}",
            unit=shift.unit,
        )
    return entry


@transaction.atomic
def log_write(
    *,
    actor: User,
    shift: DutyShift,
    kind: str,
    fields: Mapping[str, Any],
    occurred_at: dt.datetime | None = None,
    urgent: bool = False,
) -> LogEntry:
    """Add an entry to the shift's log; only the people on the shift, while it runs."""
    _require_checked_in(actor, shift)
    now = clock.now()
    occurred_at = occurred_at or now
    if occurred_at > now + dt.timedelta(minutes=5) or occurred_at < shift.starts_at - shifts.EARLY:
        raise ValidationError({"occurred_at": "时间须在本班值班时间内"})
    entry = _write_entry(
        actor=actor,
        shift=shift,
        facts=_entry_facts(kind, fields, urgent),
        occurred_at=occurred_at,
        amends=None,
        reason="",
    )
    audit.record(
        actor=actor,
        action="duty.log.write",
        object_type="log_entry",
        object_id=entry.public_id,
        after={"kind": entry.kind, "shift": shift.public_id, "fields": entry.fields},
    )
    return entry


@transaction.atomic
def log_amend(*, actor: User, entry: LogEntry, fields: Mapping[str, Any], reason: str) -> LogEntry:
    """Correct an entry: a new entry that amends the original, which stays as written. The people of the shift
    correct it, or a manager of the unit once it is closed."""
    shift = entry.shift
    if selectors.attendance_of(actor, shift) is None and not selectors.can_manage(actor, shift.unit):
        raise PermissionDenied("只有本班值班人员或本单位负责人可以更正值班记录")
    reason = _clean(reason, "reason", required=True)
    original = entry
    while original.amends_id is not None and original.amends is not None:
        original = original.amends
    if LogEntry.objects.filter(amends=original).exclude(pk=entry.pk).filter(recorded_at__gt=entry.recorded_at).exists():
        raise ValidationError("这条记录已有更新的更正，请在最新的更正上修改")
    amended = _write_entry(
        actor=actor,
        shift=shift,
        facts=_entry_facts(entry.kind, fields, entry.urgent),
        occurred_at=entry.occurred_at,
        amends=original,
        reason=reason,
    )
    audit.record(
        actor=actor,
        action="duty.log.amend",
        object_type="log_entry",
        object_id=amended.public_id,
        before={"entry": entry.public_id, "fields": entry.fields},
        after={"fields": amended.fields, "reason": reason},
    )
    return amended


@transaction.atomic
def follow_up_done(*, actor: User, follow_up: FollowUp, handed_to: str = "") -> FollowUp:
    shift = follow_up.entry.shift
    if selectors.attendance_of(actor, shift) is None and not selectors.can_manage(actor, shift.unit):
        raise PermissionDenied("只有本班值班人员可以办结")
    if follow_up.done_at is not None:
        raise ValidationError("已办结")
    follow_up.done_at, follow_up.done_by = clock.now(), actor
    follow_up.handed_to = _clean(handed_to, "handed_to", limit=60)
    follow_up.save(update_fields=["done_at", "done_by", "handed_to"])
    audit.record(
        actor=actor,
        action="duty.follow_up.done",
        object_type="log_entry",
        object_id=follow_up.entry.public_id,
        after={"task": follow_up.task, "handed_to": follow_up.handed_to},
    )
    return follow_up


# ── checklist (OPS-12) ──────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def checklist_fill(
    *, actor: User, shift: DutyShift, answers: Mapping[str, bool], notes: Mapping[str, str]
) -> Checklist:
    _require_checked_in(actor, shift)
    params = rule_params(shift.unit, ops_12.RULE_ID)
    if params is None:
        raise ValidationError("本单位的值班制度没有检查清单")
    wanted = ops_12.items(params)
    unknown = sorted(set(answers) - set(wanted))
    if unknown:
        raise ValidationError({"answers": f"不在检查清单上的项目：{'、'.join(unknown)}"})
    clean_notes = {item: _clean(notes.get(item, ""), f"note:{item}") for item in wanted if notes.get(item)}
    facts = ops_12.ChecklistResult(answers=dict(answers), notes=clean_notes)
    policy.enforce(unit=shift.unit, rule_ids=[ops_12.RULE_ID], facts=facts)
    checklist, _ = Checklist.objects.update_or_create(
        shift=shift,
        defaults={"answers": dict(answers), "notes": clean_notes, "filled_by": actor, "filled_at": clock.now()},
    )
    audit.record(
        actor=actor,
        action="duty.checklist.fill",
        object_type="duty_shift",
        object_id=shift.public_id,
        after={"answers": checklist.answers, "notes": checklist.notes},
    )
    return checklist


def checklist_failures(shift: DutyShift) -> dict[str, str]:
    """Items found wrong on the shift, with what is wrong."""
    checklist = Checklist.objects.filter(shift=shift).first()
    params = rule_params(shift.unit, ops_12.RULE_ID)
    if checklist is None or params is None:
        return {}
    facts = ops_12.ChecklistResult(answers=checklist.answers, notes=checklist.notes)
    return {item: checklist.notes.get(item, "") for item in ops_12.failed_items(facts, params)}


# ── handover and close (OPS-06) ─────────────────────────────────────────────────────────────────────────────────


def carried_issues(shift: DutyShift) -> list[str]:
    """Open difficult issues the previous shift handed over, to be carried on."""
    previous = Handover.objects.filter(incoming=shift).first()
    return list(previous.open_issues) if previous is not None else []


@transaction.atomic
def handover_write(
    *, actor: User, shift: DutyShift, equipment: str, open_issues: list[str], staffing: str = ""
) -> Handover:
    """The outgoing officer's handover record; the incoming shift's people are told to accept it."""
    _require_checked_in(actor, shift)
    if Handover.objects.filter(shift=shift, accepted_at__isnull=False).exists():
        raise ValidationError("交接已被接班人确认，不能再修改")
    issues = [_clean(i, "open_issues", limit=200) for i in open_issues if str(i).strip()]
    if len(issues) > 50:
        raise ValidationError({"open_issues": "疑难问题最多50条"})
    facts = ops_06.Handover(
        equipment=_clean(equipment, "equipment"), open_issues=tuple(issues), staffing=_clean(staffing, "staffing")
    )
    if rule_params(shift.unit, ops_06.RULE_ID) is not None:
        policy.enforce(unit=shift.unit, rule_ids=[ops_06.RULE_ID], facts=facts, field="equipment")
    elif not facts.equipment:
        raise ValidationError({"equipment": "此项必填"})
    incoming = shifts.incoming_of(shift)
    handover, _ = Handover.objects.update_or_create(
        shift=shift,
        defaults={
            "incoming": incoming,
            "equipment": facts.equipment,
            "open_issues": issues,
            "staffing": facts.staffing,
            "checklist": checklist_failures(shift),
            "written_by": actor,
            "written_at": clock.now(),
        },
    )
    if incoming is not None:
        people = [a.person for a in incoming.attendances.select_related("person")]
        alerts.tell(
            people,
            f"请确认交接：{shift.shift_type.name}交班给{incoming.shift_type.name}",
            link=_shift_link(incoming),
            dedupe_key=f"duty-handover:{handover.pk}:{handover.written_at.isoformat()}",
        )
    audit.record(
        actor=actor,
        action="duty.handover.write",
        object_type="handover",
        object_id=handover.public_id,
        after={
            "equipment": handover.equipment,
            "open_issues": issues,
            "staffing": handover.staffing,
            "incoming": incoming.public_id if incoming else None,
        },
    )
    return handover


@transaction.atomic
def handover_accept(*, actor: User, handover: Handover) -> Handover:
    """The incoming officer accepts the handover; never the one who wrote it."""
    handover = Handover.objects.select_for_update(of=("self",)).select_related("incoming", "shift").get(pk=handover.pk)
    incoming = selectors.attendance_of(actor, handover.incoming) if handover.incoming is not None else None
    if incoming is None:
        raise PermissionDenied("只有接班人员可以确认交接")
    if incoming.checked_in_at is None:
        raise ValidationError("请先到岗登记，再确认交接")
    if handover.written_by_id == actor.pk:
        raise PermissionDenied("交班人不能自己确认交接")
    stamp_once(
        handover, actor=actor, at="accepted_at", by="accepted_by", action="duty.handover.accept", already="交接已确认"
    )
    return handover


@transaction.atomic
def shift_close(*, actor: User, shift: DutyShift) -> DutyShift:
    """End the duty: the checklist is filled (OPS-12), the incoming officer has accepted the handover (OPS-06);
    everyone on the shift checks out, the log freezes, the shift report and the key fall due."""
    shift = DutyShift.objects.select_for_update(of=("self",)).get(pk=shift.pk)
    _require_checked_in(actor, shift)
    facts: list[object] = []
    rules = []
    if rule_params(shift.unit, ops_12.RULE_ID) is not None:
        checklist = Checklist.objects.filter(shift=shift).first()
        facts.append(
            ops_12.ChecklistResult(
                answers=checklist.answers if checklist else {}, notes=checklist.notes if checklist else {}
            )
        )
        rules.append(ops_12.RULE_ID)
    if rule_params(shift.unit, ops_06.RULE_ID) is not None:
        handover = Handover.objects.filter(shift=shift).first()
        incoming = shifts.incoming_of(shift)
        facts.append(
            ops_06.ShiftClose(
                has_incoming=incoming is not None, accepted=handover is not None and handover.accepted_at is not None
            )
        )
        rules.append(ops_06.RULE_ID)
    if rules:
        policy.enforce(unit=shift.unit, rule_ids=rules, facts=facts)
    now = clock.now()
    shift.status, shift.closed_at, shift.closed_by = DutyShift.Status.CLOSED, now, actor
    shift.save(update_fields=["status", "closed_at", "closed_by"])
    shift.attendances.filter(checked_in_at__isnull=False, checked_out_at__isnull=True).update(checked_out_at=now)
    deadlines.after_close(shift)
    audit.record(
        actor=actor,
        action="duty.shift.close",
        object_type="duty_shift",
        object_id=shift.public_id,
        after={"closed_at": now},
    )
    return shift


# ── the shift report (OPS-07) ───────────────────────────────────────────────────────────────────────────────────


def report_summary(shift: DutyShift) -> dict[str, Any]:
    """What the report is built from: the log by kind, incidents, checklist results, spot checks, staffing."""
    by_kind: dict[str, int] = {}
    for kind in shift.log_entries.filter(amends__isnull=True).values_list("kind", flat=True):
        label = ops_03.KINDS[kind].zh if kind in ops_03.KINDS else kind
        by_kind[label] = by_kind.get(label, 0) + 1
    return {
        "log": by_kind,
        "incidents": [
            {"title": i.title, "level": i.level, "report": i.get_report_display()} for i in shift.incidents.all()
        ],
        "checklist_failures": checklist_failures(shift),
        "spot_checks": [
            {"person": c.person.name, "method": c.get_method_display(), "present": c.present}
            for c in shift.spot_checks.select_related("person")
        ],
        "staff": [a.person.name for a in shift.attendances.select_related("person")],
    }


@transaction.atomic
def report_submit(*, actor: User, shift: DutyShift, remarks: str = "") -> ShiftReport:
    _require_on_shift(actor, shift)
    params = rule_params(shift.unit, ops_07.RULE_ID)
    if params is None:
        raise ValidationError("本单位的值班制度没有值班报告表")
    if ShiftReport.objects.filter(shift=shift).exists():
        raise ValidationError("本班的值班报告表已提交")
    report = ShiftReport.objects.create(
        shift=shift,
        summary=report_summary(shift),
        remarks=_clean(remarks, "remarks", limit=2000),
        submitted_by=actor,
        submitted_at=clock.now(),
    )
    alerts.tell(
        selectors.supervisors(shift.unit),
        f"值班报告表待审阅：{shift.date.month}月{shift.date.day}日{shift.shift_type.name}",
        link=reverse("duty:report", args=[report.public_id]),
        dedupe_key=f"duty-report:{report.pk}",
    )
    deadlines.review_due(report, params)
    audit.record(
        actor=actor,
        action="duty.report.submit",
        object_type="shift_report",
        object_id=report.public_id,
        after={"shift": shift.public_id},
    )
    return report


@transaction.atomic
def report_review(*, actor: User, report: ShiftReport, note: str = "") -> ShiftReport:
    """The supervisor reviews and signs; nobody who was on the shift."""
    report = ShiftReport.objects.select_for_update(of=("self",)).select_related("shift__unit").get(pk=report.pk)
    if not selectors.can_manage(actor, report.shift.unit):
        raise PermissionDenied("只有主管领导可以审阅值班报告表")
    refuse_own_matter(actor, list(report.shift.attendances.values_list("person_id", flat=True)))
    stamp_once(
        report,
        actor=actor,
        at="reviewed_at",
        by="reviewed_by",
        action="duty.report.review",
        already="已审阅",
        also={"review_note": _clean(note, "note")},
    )
    return report


# ── spot checks (OPS-08) ────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def spot_check_issue(
    *,
    actor: User,
    shift: DutyShift,
    person: Person,
    method: str = SpotCheck.Method.CHALLENGE,
    present: bool | None = None,
    note: str = "",
) -> SpotCheck:
    """A superior checks an officer: a presence challenge to answer within the pack's minutes, or a check made by
    phone or on site with its finding."""
    refuse_own_matter(actor, [person])
    if not (selectors.can_manage(actor, shift.unit) or selectors.is_leader_of(actor, shift)):
        raise PermissionDenied("只有带班领导或上级可以查岗")
    _require_open(shift)
    if not shift.attendances.filter(person=person).exists():
        raise ValidationError({"person": f"{person.name}不在这个班次上"})
    if method not in SpotCheck.Method.values:
        raise ValidationError({"method": "未知的查岗方式"})
    now = clock.now()
    check = SpotCheck(
        shift=shift, person=person, method=method, issued_at=now, issued_by=actor, note=_clean(note, "note")
    )
    if method == SpotCheck.Method.CHALLENGE:
        params = rule_params(shift.unit, ops_08.RULE_ID)
        if params is None:
            raise ValidationError({"method": "本单位的值班制度没有在岗确认"})
        check.answer_by = ops_08.answer_by(now, params)
        check.save()
        subject = f"在岗确认：请在{clock.local(check.answer_by):%H:%M}前应答"
        alerts.tell(
            [person],
            subject,
            body="在值班页面点“在岗”，或回复短信“在岗”。",
            link=_shift_link(shift),
            dedupe_key=f"duty-spot-check:{check.pk}",
        )
        alerts.text(person, f"{subject}（回复“在岗”即可）", dedupe_key=f"duty-spot-check-sms:{check.pk}")
        deadlines.spot_check_due(check)
    else:
        if present is None:
            raise ValidationError({"present": "请写明是否在岗"})
        check.present, check.answered_at = present, now
        check.save()
        if not present:
            absence_report(
                actor=actor,
                shift=shift,
                person=person,
                left_at=now,
                returned_at=None,
                note=check.note or f"{check.get_method_display()}查岗不在岗",
            )
    audit.record(
        actor=actor,
        action="duty.spot_check.issue",
        object_type="spot_check",
        object_id=check.public_id,
        after={"person": person.public_id, "method": method, "present": present},
    )
    return check


@transaction.atomic
def spot_check_schedule(*, actor: User, shift: DutyShift, at: dt.datetime, person: Person | None = None) -> None:
    """A presence challenge issued later by the worker: at `at`, to `person`, or — with no person — to one of the
    officers checked in at that moment, drawn at random (随机查岗). Who schedules it may issue one now."""
    if not (selectors.can_manage(actor, shift.unit) or selectors.is_leader_of(actor, shift)):
        raise PermissionDenied("只有带班领导或上级可以查岗")
    if person is not None:
        refuse_own_matter(actor, [person])
        if not shift.attendances.filter(person=person).exists():
            raise ValidationError({"person": f"{person.name}不在这个班次上"})
    if not (clock.now() <= at <= shift.ends_at):
        raise ValidationError({"at": "查岗时间须在现在和本班结束之间"})
    deadlines.scheduled_spot_check(shift, at, actor, person)
    audit.record(
        actor=actor,
        action="duty.spot_check.schedule",
        object_type="duty_shift",
        object_id=shift.public_id,
        after={"at": at, "person": person.public_id if person else "random"},
    )


@transaction.atomic
def spot_check_answer(
    *, actor: User | None, check: SpotCheck, via: str = "web", person: Person | None = None
) -> SpotCheck:
    """The challenged officer answers (on the page, or by SMS through the gateway: `actor=None`, `person` given)."""
    check = SpotCheck.objects.select_for_update(of=("self",)).select_related("shift", "person").get(pk=check.pk)
    who = active_person(actor) if actor is not None else person
    if who is None or who.pk != check.person_id:
        raise PermissionDenied("只有被查岗人本人可以应答")
    if check.answered_at is not None:
        raise ValidationError("已应答")
    now = clock.now()
    check.answered_at, check.answered_via = now, via
    check.present = check.answer_by is None or now <= check.answer_by
    check.save(update_fields=["answered_at", "answered_via", "present"])
    audit.record(
        actor=actor,
        action="duty.spot_check.answer",
        object_type="spot_check",
        object_id=check.public_id,
        after={"via": via, "in_time": check.present},
    )
    return check


# ── the duty-room key (OPS-09) ──────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def key_issue(*, actor: User, shift: DutyShift, holder: Person) -> KeyLoan:
    params = rule_params(shift.unit, ops_09.RULE_ID)
    if params is None:
        raise ValidationError("本单位的值班制度没有值班室钥匙登记")
    if not selectors.can_manage(actor, shift.unit):
        raise PermissionDenied("钥匙由秘书处发放")
    refuse_own_matter(actor, [holder])
    if not shift.attendances.filter(person=holder).exists():
        raise ValidationError({"holder": f"{holder.name}不在这个班次上"})
    if KeyLoan.objects.filter(shift__unit=shift.unit, returned_at__isnull=True).exists():
        raise ValidationError("值班室钥匙尚未归还，不能再次发放")
    loan = KeyLoan.objects.create(
        shift=shift,
        holder=holder,
        issued_at=clock.now(),
        issued_by=actor,
        due_at=ops_09.return_by(shift.ends_at, params),
    )
    deadlines.key_due(loan)
    audit.record(
        actor=actor,
        action="duty.key.issue",
        object_type="key_loan",
        object_id=loan.public_id,
        after={"holder": holder.public_id, "due_at": loan.due_at},
    )
    return loan


@transaction.atomic
def key_return(*, actor: User, loan: KeyLoan) -> KeyLoan:
    loan = KeyLoan.objects.select_for_update(of=("self",)).select_related("shift__unit", "holder").get(pk=loan.pk)
    if not selectors.can_manage(actor, loan.shift.unit):
        raise PermissionDenied("钥匙交回秘书处")
    refuse_own_matter(actor, [loan.holder])
    stamp_once(loan, actor=actor, at="returned_at", by="received_by", action="duty.key.return", already="钥匙已归还")
    return loan


# ── the day's report (OPS-05) ───────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def daily_report_send(*, actor: User, report: DailyReport, content: str) -> DailyReport:
    report = DailyReport.objects.select_for_update(of=("self",)).select_related("unit").get(pk=report.pk)
    person = active_person(actor)
    if person is None or (report.officer_id != person.pk and not selectors.can_manage(actor, report.unit)):
        raise PermissionDenied("当日值班信息由负责报送的值班人员报送")
    if report.sent_at is not None:
        raise ValidationError("已报送")
    report.content = _clean(content, "content", required=True, limit=2000)
    report.sent_at, report.sent_by = clock.now(), actor
    report.save(update_fields=["content", "sent_at", "sent_by"])
    audit.record(
        actor=actor,
        action="duty.daily_report.send",
        object_type="daily_report",
        object_id=report.public_id,
        after={"sent_at": report.sent_at, "late": report.sent_at > report.due_at},
    )
    return report


# ── commendation and discipline (OPS-11) ────────────────────────────────────────────────────────────────────────


@transaction.atomic
def merit_record(*, actor: User, person: Person, kind: str, reason: str, shift: DutyShift | None = None) -> DutyMerit:
    if not selectors.can_manage(actor, person.unit):
        raise PermissionDenied("只有本单位负责人可以记录嘉奖或失职")
    if kind not in DutyMerit.Kind.values:
        raise ValidationError({"kind": "未知的类别"})
    me = active_person(actor)
    facts = ops_11.DutyMerit(
        person_name=person.name,
        kind=kind,
        reason=_clean(reason, "reason"),
        recorded_by=me.name if me else "",
        is_self=me is not None and me.pk == person.pk,
    )
    policy.enforce(unit=person.unit, rule_ids=[ops_11.RULE_ID], facts=facts, field="reason")
    merit = DutyMerit.objects.create(
        person=person, shift=shift, kind=kind, reason=facts.reason, recorded_by=actor, recorded_at=clock.now()
    )
    audit.record(
        actor=actor,
        action="duty.merit.record",
        object_type="duty_merit",
        object_id=merit.public_id,
        after={"person": person.public_id, "kind": kind, "reason": merit.reason},
    )
    return merit


def spot_check_sms_reply(person: Person, text: str, received_at: dt.datetime) -> bool:
    """An SMS reply from an officer with an open presence challenge answers it (OPS-08); any text counts, as a
    phone's quick reply would. Registered with the SMS gateway's reply handlers (`DutyConfig.ready`)."""
    check = (
        SpotCheck.objects.filter(person=person, method=SpotCheck.Method.CHALLENGE, answered_at__isnull=True)
        .filter(present__isnull=True, issued_at__lte=received_at)
        .order_by("-issued_at")
        .first()
    )
    if check is None:
        return False
    spot_check_answer(actor=None, check=check, via="sms", person=person)
    return True
