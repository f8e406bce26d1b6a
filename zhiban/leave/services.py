"""Writes of the leave app: leave (请假/消假), its cover, substitutions (顶替) and compensatory-rest requests.

Every service is keyword-only, atomic, permission-checked (selectors), asks the rule engine before it
writes (refusals cite the rule, pack, clause and policy version) and records one audit event. Final
approvals that change a published duty go through `roster.duty_changes.duties_move`, which writes the
new roster version with its own audit event per period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.approvals import lifecycle
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals import services as approvals
from zhiban.approvals.models import ApprovalStep
from zhiban.approvals.steps import StepSpec
from zhiban.core import audit, clock, dates, jobs
from zhiban.core.dates import month_day
from zhiban.core.transactions import atomic_retrying
from zhiban.discipline import services as discipline
from zhiban.leave import kinds, lengths, rules, selectors
from zhiban.leave.models import LeaveCover, LeaveKind, LeaveRequest, RequestStatus, RestRequest, Substitution
from zhiban.leave.selectors import SUBJECT_LEAVE, SUBJECT_SUBSTITUTION
from zhiban.notify.services import notify
from zhiban.org.models import Person, Role, Unit
from zhiban.org.scopes import department_of, organisation_of
from zhiban.policy import compliance
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.engine import Outcome
from zhiban.policy.rules import leave_01, leave_03, leave_04, leave_05, leave_06, leave_08, ros_07, sub_01, sub_02
from zhiban.roster import duties as roster_duties
from zhiban.roster import duty_changes
from zhiban.roster.compensation import selectors as rest_selectors
from zhiban.roster.compensation import services as rest_services
from zhiban.roster.models import Post, RosterPeriod, ShiftType
from zhiban.swaps import selectors as swap_selectors

REASON_MAX = 500
MAX_CALENDAR_DAYS = 366
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
# Extension → the bytes such a file starts with.
CERTIFICATE_TYPES = {"pdf": (b"%PDF",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG",)}
CERTIFICATE_REMIND_AT = dt.time(17, 0)
FILING_RULES = (
    "LEAVE-01",
    "LEAVE-02",
    "LEAVE-04",
    "LEAVE-05",
    "LEAVE-07",
    "LEAVE-08",
    "LEAVE-09",
    "LEAVE-10",
    "SWAP-06",
)
APPROVAL_RULES = ("LEAVE-03", "LEAVE-04", "LEAVE-05", "SUB-01")
VERDICT_ZH: dict[str, str] = {RequestStatus.APPROVED: "已批准", RequestStatus.REJECTED: "未获批准"}
# The states in which a sick leave's certificate may be handed in.
CERTIFICATE_STATES = (RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.RETURNED)


# ── helpers ──────────────────────────────────────────────────────────────────


def _text(value: str, field: str, *, required: bool = True, limit: int = REASON_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "必填"})
    if len(value) > limit:
        raise ValidationError({field: f"最多{limit}字"})
    return value


def _link(name: str, public_id: str) -> str:
    return reverse(name, args=[public_id])


def _others(people: list[Person], actor: User | None) -> list[Person]:
    """`people` but the actor (who needs no message about what they did themself)."""
    return [p for p in people if actor is None or p.user_id != actor.pk]


def station_of(unit: Unit) -> Unit:
    """The station a person belongs to (LEAVE-04), or their own unit when they belong to none."""
    ids = [int(part) for part in unit.path.split(".") if part]
    stations = {u.pk: u for u in Unit.objects.filter(pk__in=ids, kind=Unit.Kind.STATION)}
    return next((stations[i] for i in reversed(ids) if i in stations), unit)


def _steps(person: Person, approvers: list[leave_03.Approver], rule_id: str) -> list[StepSpec]:
    """The approvers' levels as chain steps at units of the person; nobody approves their own request,
    so when the person holds the role there, the step moves to the unit above."""
    specs = []
    for approver in approvers:
        if approver.level == leave_03.LEVEL_UNIT:
            unit = person.unit
        elif approver.level == leave_03.LEVEL_DEPARTMENT:
            unit = department_of(person.unit)
        else:
            unit = organisation_of(person.unit)
        while selectors.holds_role_over(person, approver.role, unit) and unit.parent_id is not None:
            unit = Unit.objects.get(pk=unit.parent_id)
        specs.append(StepSpec(approver.order, approver.role, unit, rule_id, approver.label_zh, approver.label_en))
    return specs


def _approved_roles(subject_type: str, subject_id: int) -> tuple[str, ...]:
    return tuple(
        s.role
        for s in approval_selectors.steps_of(subject_type, subject_id)
        if s.status == ApprovalStep.Status.APPROVED
    )


def _check_level(actor: User, me: Person, leave: LeaveRequest) -> None:
    """LEAVE-06 before the decision, so a skipped level or a cross-request is refused citing the clause."""
    requester = leave.person
    chain = approval_selectors.steps_of(SUBJECT_LEAVE, leave.pk)
    levels = tuple(
        sorted({s.order for s in chain if s.status == "pending" and approval_selectors.can_decide(actor, s)})
    )
    rules.enforce(
        requester.unit,
        ["LEAVE-06"],
        [
            leave_06.StepAttempt(
                person_name=requester.name,
                approver_name=me.name,
                current_level=approval_selectors.current_order(chain),
                approver_levels=levels,
                in_line=selectors.same_line(me, requester) or not levels,
            )
        ],
        field="step",
    )


def _going_ahead(outcome: Outcome, *, actor: User, unit: Unit, subject: str, reason: str) -> None:
    """Record the warnings someone goes ahead past (a reason is required when there are any: the error
    names `warning_reason`, the field of the forms and the API)."""
    try:
        compliance.overridden(outcome, actor=actor, organisation=unit, subject=subject, reason=reason)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "reason" in error.error_dict:
            raise ValidationError({"warning_reason": error.error_dict["reason"]}) from None
        raise


def _responsible(substitute: Person, absent: Person, duty_label: str) -> str:
    """SUB-01's record where the pack has no SUB-01 (service-center): the substitute is responsible."""
    return f"{substitute.name}顶替{absent.name}值{duty_label}，由{substitute.name}承担全部值班责任"


def overdue_notes(unit: Unit, subject_label: str, steps: list[ApprovalStep], now: dt.datetime) -> list[str]:
    """LEAVE-03 approval_overdue: the current steps that have waited longer than the pack allows, measured
    from when their level began to wait (the chain's start, or the decision of the level before)."""
    order = approval_selectors.current_order(steps)
    if order is None:
        return []
    decided = [s.decided_at for s in steps if s.order < order and s.decided_at is not None]
    facts = [
        leave_03.ApprovalWait(subject_label, s.label_zh, max([s.created_at, *decided]), now)
        for s in steps
        if s.order == order and s.status == ApprovalStep.Status.PENDING
    ]
    if not facts:
        return []
    return [note.detail("zh") for note in rules.evaluate(unit, ["LEAVE-03"], facts).notes]


def _report_to_secretariat(actor: User, unit: Unit, lines: list[str], outcome: Outcome, link: str) -> None:
    """SUB-01 in `bureau` (P3 二.2: 由各处自行调整，并提前向秘书处报备): duties moved to substitutes are reported to
    the secretariat when the change is approved; one approved after the duty began says so (the SUB-01 warning)."""
    params = rules.params(unit, "SUB-01")
    if not lines or params is None or not sub_01.reports_to_secretariat(params):
        return
    late = [w.detail("zh") for w in outcome.warnings if w.code == "SUB-01.reported_in_advance"]
    notify(
        recipients=_others(selectors.role_holders(Role.SECRETARIAT, unit), actor),
        subject=f"值班调整报备：{'；'.join(lines)}",
        body="\n".join([*lines, *late]),
        link=link,
    )


def _findings(outcome: Outcome) -> list[dict[str, Any]]:
    return [{"code": f.code, "message": f.detail("zh")} for f in outcome.findings]


# ── leave ────────────────────────────────────────────────────────────────────


def leave_facts(
    *,
    actor: User | None,
    person: Person,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    special: bool = False,
    emergency: bool = False,
    phoned_at: dt.datetime | None = None,
    holiday_exception: bool = False,
    filed_at: dt.datetime | None = None,
) -> tuple[leave_01.LeaveFacts, list[roster_duties.Duty], bool]:
    """The leave as the rules read it, the published duties it hits, and whether it counts duty days."""
    if kind not in LeaveKind.values:
        raise ValidationError({"kind": f"unknown kind {kind!r}; one of {', '.join(LeaveKind.values)}"})
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError({"starts_at": "times need a time zone"})
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at), ("phoned_at", phoned_at)):
        if value is not None:
            dates.require_supported(value, field)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "假期结束时间须晚于开始时间"})
    calendar_days = lengths.calendar_days(starts_at, ends_at)
    if calendar_days > MAX_CALENDAR_DAYS:
        raise ValidationError({"ends_at": f"一次请假最多{MAX_CALENDAR_DAYS}天"})
    if special and kind != LeaveKind.PERSONAL:
        raise ValidationError({"special": "只有事假可以是特殊事假"})
    if emergency and kind != LeaveKind.SICK:
        raise ValidationError({"emergency": "只有病假可以是急诊"})
    now = filed_at or clock.now()
    if phoned_at is not None and phoned_at > now:
        raise ValidationError({"phoned_at": "电话通知时间不能晚于现在"})
    duties = lengths.duties_hit(person, starts_at, ends_at)
    shift_work = rules.is_shift_work(person.unit)
    if shift_work:
        working = lengths.duty_days(duties, starts_at, ends_at)
    else:
        off_day_duties = [d for d in duties if d.day_kind != "workday"]
        working = lengths.working_days(starts_at, ends_at, person.unit)
        working += lengths.duty_days(off_day_duties, starts_at, ends_at)
    if working == 0:
        raise ValidationError({"starts_at": "这段时间没有工作日或值班，无需请假"})
    filer = selectors.active_person(actor)
    tz = clock.local_tz()
    facts = leave_01.LeaveFacts(
        person_name=person.name,
        kind=kind,
        starts_at=starts_at.astimezone(tz),
        ends_at=ends_at.astimezone(tz),
        filed_at=now.astimezone(tz),
        calendar_days=calendar_days,
        working_days=working,
        filed_by_self=filer is not None and filer.pk == person.pk,
        filer_name=filer.name if filer is not None else "",
        special=special,
        emergency=emergency,
        phoned_at=phoned_at.astimezone(tz) if phoned_at else None,
        holiday_exception=holiday_exception,
        first_duty_starts_at=min((d.starts_at for d in duties), default=None),
        night_duty_days=tuple(sorted({d.day for d in duties if d.is_night})),
        night_duty_starts=tuple(sorted({d.starts_at.astimezone(tz) for d in duties if d.is_night})),
        holiday_duty_days=tuple(sorted({d.day for d in duties if d.day_kind == "holiday"})),
    )
    return facts, duties, shift_work


def _other_leave(rows: Any) -> tuple[leave_04.OtherLeave, ...]:
    return tuple(leave_04.OtherLeave(r.person.name, r.starts_at, r.returned_at or r.ends_at) for r in rows)


def station_facts(
    person: Person, starts_at: dt.datetime, ends_at: dt.datetime, stage: str, exclude_pk: int | None = None
) -> leave_04.StationLeave:
    station = station_of(person.unit)
    others = [r for r in selectors.open_leave_of_station(station, exclude_pk) if r.person_id != person.pk]
    return leave_04.StationLeave(
        person_name=person.name,
        station_name=station.name,
        starts_at=starts_at,
        ends_at=ends_at,
        stage=stage,
        approved=_other_leave(r for r in others if r.status == RequestStatus.APPROVED),
        pending=_other_leave(r for r in others if r.status == RequestStatus.PENDING),
    )


def leave_preview(
    *, actor: User | None, person: Person, kind: str, starts_at: dt.datetime, ends_at: dt.datetime, **options: Any
) -> tuple[leave_01.LeaveFacts, Outcome]:
    """What filing would meet, without writing: the facts and every finding (the form's live feedback)."""
    if not selectors.may_file_leave_for(actor, person):
        raise PermissionDenied("you may not file leave for this person")
    facts, _, _ = leave_facts(actor=actor, person=person, kind=kind, starts_at=starts_at, ends_at=ends_at, **options)
    outcome = rules.evaluate(person.unit, FILING_RULES, [facts, station_facts(person, starts_at, ends_at, "filing")])
    return facts, outcome


def _schedule_leave_jobs(leave: LeaveRequest) -> None:
    jobs.schedule(
        "leave.return_reminder", {"leave": leave.pk}, due_at=leave.ends_at, dedupe_key=f"leave-return:{leave.pk}"
    )
    if leave.late and rules.declares_check(leave.unit, "LEAVE-05", "unapproved_is_absence"):
        jobs.schedule("leave.lapse", {"leave": leave.pk}, due_at=leave.starts_at, dedupe_key=f"leave-lapse:{leave.pk}")
    if leave.certificate_due is not None:
        _schedule_certificate(leave)


def _schedule_certificate(leave: LeaveRequest) -> None:
    assert leave.certificate_due is not None
    due = dt.datetime.combine(leave.certificate_due, CERTIFICATE_REMIND_AT, tzinfo=clock.local_tz())
    jobs.schedule(
        "leave.certificate_due",
        {"leave": leave.pk, "due": leave.certificate_due.isoformat()},
        due_at=due,
        dedupe_key=f"leave-certificate:{leave.pk}:{leave.certificate_due.isoformat()}",
    )


def _first_day_back(ends_at: dt.datetime) -> dt.date:
    return lengths.local(ends_at - dt.timedelta(microseconds=1)).date() + dt.timedelta(days=1)


def _tell_on_filing(actor: User, leave: LeaveRequest, outcome: Outcome) -> None:
    """Whoever must hear of a request beyond its approvers: the person, when someone else filed it for them
    (LEAVE-07 代请); the team lead, of an emergency sick leave (LEAVE-08: 急诊必须在班前电话通知（可委托他人）班长)."""
    link = _link("leave:detail", leave.public_id)
    when = f"{leave_01.kind_zh(leave.kind)} {month_day(leave.starts_at)}起"
    filer = selectors.active_person(actor)
    if filer is not None and filer.pk != leave.person_id:
        notify(recipients=[leave.person], subject=f"{filer.name}为您提交了请假：{when}", link=link)
    phoned = next((n for n in outcome.notes if n.code == "LEAVE-08.emergency_phoned"), None)
    if phoned is not None:
        notify(
            recipients=_others(selectors.team_leads_of(leave.person), actor),
            subject=f"急诊病假：{leave.person.name} {when}",
            body=phoned.detail("zh"),
            link=link,
        )


@atomic_retrying
def leave_file(
    *,
    actor: User,
    person: Person,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    special: bool = False,
    emergency: bool = False,
    phoned_at: dt.datetime | None = None,
    holiday_exception: bool = False,
    warning_reason: str = "",
) -> LeaveRequest:
    """File leave for `person` (themself, as their manager, or — sick leave where LEAVE-07 allows it — as a colleague):
    checked by the LEAVE rules, then its approval chain (LEAVE-03) starts. Warnings (LEAVE-04 overlap, LEAVE-09
    night) need `warning_reason`."""
    lifecycle.require_filer(kinds.LEAVE, actor, person)
    reason = _text(reason, "reason")
    warning_reason = _text(warning_reason, "warning_reason", required=False)
    Person.objects.select_for_update(no_key=True).filter(pk=person.pk).first()  # one filing per person at a time
    now = clock.now()
    facts, duties, shift_work = leave_facts(
        actor=actor,
        person=person,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        special=special,
        emergency=emergency,
        phoned_at=phoned_at,
        holiday_exception=holiday_exception,
        filed_at=now,
    )
    overlapping = LeaveRequest.objects.filter(
        person=person, status__in=["pending", "approved"], starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(returned_at__lte=starts_at)
    if overlapping.exists():
        raise ValidationError({"starts_at": f"{person.name}在这段时间已有请假申请"})
    unit = person.unit
    tz = clock.local_tz()
    on_swapped = swap_selectors.leave_facts(person, starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date())
    outcome = rules.enforce(
        unit, FILING_RULES, [facts, station_facts(person, starts_at, ends_at, "filing"), on_swapped]
    )
    late_params = rules.params(unit, "LEAVE-05")
    certificate_params = rules.params(unit, "LEAVE-08")
    needs_certificate = certificate_params is not None and leave_08.needs_certificate(
        kind, facts.working_days, certificate_params
    )
    late = late_params is not None and leave_05.is_late(facts, late_params)
    approvers = leave_03.approval_chain(kind, facts.working_days, rules.params(unit, "LEAVE-03") or {})

    def then(leave: LeaveRequest) -> None:
        _going_ahead(outcome, actor=actor, unit=unit, subject=f"leave:{leave.public_id}", reason=warning_reason)
        _tell_on_filing(actor, leave, outcome)
        _schedule_leave_jobs(leave)

    return lifecycle.file(
        kinds.LEAVE,
        actor=actor,
        person=person,
        filed_at=now,
        fields={
            "unit": unit,
            "kind": kind,
            "special": special,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "calendar_days": facts.calendar_days,
            "working_days": facts.working_days,
            "counts_duty_days": shift_work,
            "reason": reason,
            "warning_reason": warning_reason,
            "late": late,
            "night_exception": bool(facts.night_duty_days) and rules.params(unit, "LEAVE-09") is not None,
            "holiday_exception": holiday_exception and bool(facts.holiday_duty_days),
            "emergency": emergency,
            "phoned_at": phoned_at,
            "certificate_due": _first_day_back(ends_at) if needs_certificate else None,
        },
        steps=_steps(person, approvers, "LEAVE-03"),
        after={
            "person": person.public_id,
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "working_days": str(facts.working_days),
            "late": late,
            "duties": [d.label for d in duties],
        },
        extra={"findings": _findings(outcome), "policy_version": outcome.policy_version},
        tell=then,
    )


def current_duties(leave: LeaveRequest) -> list[roster_duties.Duty]:
    """The published duties the leave hits now (the roster may have changed since filing)."""
    return lengths.duties_hit(leave.person, leave.starts_at, leave.ends_at)


def _cover_key(period_id: int, day: dt.date, shift_type_id: int, post: str) -> tuple[int, dt.date, int, str]:
    return (period_id, day, shift_type_id, post)


def covers_by_duty(leave: LeaveRequest) -> dict[tuple[int, dt.date, int, str], LeaveCover]:
    return {
        _cover_key(c.period_id, c.day, c.shift_type_id, c.post): c
        for c in leave.covers.select_related("substitute", "substitute__unit")
    }


def _apply_leave(actor: User, leave: LeaveRequest, reason: str) -> Outcome:
    """Final approval: the LEAVE rules of approval and SUB-01 (cover first), then the duties move."""
    unit = leave.unit
    now = clock.now()
    duties = current_duties(leave)
    covers = covers_by_duty(leave)
    roles = _approved_roles(SUBJECT_LEAVE, leave.pk)
    substitutions = []
    missing = []
    for duty in duties:
        cover = covers.get(_cover_key(duty.period.pk, duty.day, duty.shift_type.pk, duty.post))
        if cover is None:
            missing.append(duty.label)
        substitutions.append(
            sub_01.Substitution(
                absent_name=leave.person.name,
                substitute_name=cover.substitute.name if cover else None,
                duty_label=duty.label,
                duty_starts_at=duty.starts_at,
                approved=True,
                at=now,
            )
        )
    facts: list[object] = [
        leave_03.LeaveApprovals(leave.person.name, leave.kind, leave.working_days, roles),
        station_facts(leave.person, leave.starts_at, leave.ends_at, "approval", exclude_pk=leave.pk),
        leave_05.LateApproval(
            leave.person.name, leave.kind, leave.late, any(r in leave_05.MANAGER_ROLES for r in roles)
        ),
        *substitutions,
    ]
    outcome = rules.enforce(unit, APPROVAL_RULES, facts)
    if missing:  # packs without SUB-01 still cannot leave a published duty empty
        raise ValidationError({"cover": f"请先为以下值班安排顶班人：{'、'.join(missing)}"})
    _going_ahead(outcome, actor=actor, unit=unit, subject=f"leave:{leave.public_id}", reason=reason)
    responsibility = {n.finding.details.get("duty"): n.detail("zh") for n in outcome.notes if n.rule_id == "SUB-01"}
    if duties:
        moves = []
        for duty in duties:
            cover = covers[_cover_key(duty.period.pk, duty.day, duty.shift_type.pk, duty.post)]
            moves.append(
                duty_changes.DutyMove(duty.period, duty.day, duty.shift_type, duty.post, leave.person, cover.substitute)
            )
        label = leave_01.kind_zh(leave.kind)
        versions = {
            v.period_id: v
            for v in duty_changes.duties_move(
                actor=actor, moves=moves, channel="leave", reason=f"{leave.person.name}{label}（{leave.public_id}）"
            )
        }
        for duty in duties:
            cover = covers[_cover_key(duty.period.pk, duty.day, duty.shift_type.pk, duty.post)]
            cover.version = versions.get(duty.period.pk)
            cover.responsibility = (
                responsibility.get(duty.label) or _responsible(cover.substitute, leave.person, duty.label)
            )[:300]
            cover.save(update_fields=["version", "responsibility"])
        lines = [covers[_cover_key(d.period.pk, d.day, d.shift_type.pk, d.post)].responsibility for d in duties]
        _report_to_secretariat(actor, unit, lines, outcome, _link("leave:detail", leave.public_id))
    return outcome


@atomic_retrying
def leave_decide(
    *, actor: User, leave: LeaveRequest, approve: bool, comment: str = "", reason: str = ""
) -> LeaveRequest:
    """An approver decides the level that waits on them (LEAVE-06: level by level). The last approval
    checks LEAVE-03/04/05 and SUB-01 (a cover for every published duty) and moves the duties."""

    def apply(row: LeaveRequest) -> dict[str, Any]:
        return {"findings": _findings(_apply_leave(actor, row, reason or comment))}

    def tell(row: LeaveRequest, outcome: str) -> None:
        when = f"{leave_01.kind_zh(row.kind)} {lengths.local(row.starts_at):%m月%d日}起"
        notify(
            recipients=[row.person],
            subject=f"请假{VERDICT_ZH[outcome]}：{when}",
            body=comment.strip(),
            link=_link("leave:detail", row.public_id),
        )

    return lifecycle.decide(
        kinds.LEAVE,
        actor=actor,
        row=leave,
        approve=approve,
        comment=comment,
        check=_check_level,
        apply=apply,
        tell=tell,
    )


@atomic_retrying
def leave_cancel(*, actor: User, leave: LeaveRequest, reason: str = "") -> LeaveRequest:
    """Withdraw a request still waiting for approval (the person, whoever filed it, or their manager)."""
    return lifecycle.cancel(kinds.LEAVE, actor=actor, row=leave, extra={"reason": reason.strip()[:REASON_MAX]})


def _records_return(user: User, me: Person, leave: LeaveRequest) -> bool:
    """消假 is recorded by the person or their manager."""
    return me.pk == leave.person_id or selectors.may_manage(user, leave.person)


def may_record_return(user: User | None, leave: LeaveRequest) -> bool:
    """The leave is approved and the user may record the return (the detail page's button)."""
    me = selectors.active_person(user)
    return (
        lifecycle.permits(lifecycle.RETURN, leave.status)
        and user is not None
        and me is not None
        and _records_return(user, me, leave)
    )


@atomic_retrying
def leave_return(*, actor: User, leave: LeaveRequest, returned_at: dt.datetime) -> LeaveRequest:
    """消假 (LEAVE-01): the person is back at `returned_at`; the sick-leave certificate falls due that day."""
    leave = kinds.LEAVE.locked(leave)
    if not _records_return(actor, lifecycle.acting(actor), leave):
        raise PermissionDenied("only the person or their manager records the return")
    kinds.LEAVE.require(leave, lifecycle.RETURN)
    if returned_at.tzinfo is None:
        raise ValidationError({"returned_at": "times need a time zone"})
    if returned_at < leave.starts_at:
        raise ValidationError({"returned_at": "返岗时间不能早于假期开始"})
    if returned_at > clock.now():
        raise ValidationError({"returned_at": "返岗时间不能晚于现在"})
    kinds.LEAVE.move(leave, lifecycle.RETURN, RequestStatus.RETURNED)
    leave.returned_at = returned_at
    fields = ["status", "returned_at"]
    if leave.certificate_due is not None and leave.certificate_at is None:
        back = lengths.local(returned_at).date()
        if back < leave.certificate_due:
            leave.certificate_due = back
            fields.append("certificate_due")
            _schedule_certificate(leave)
    leave.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="leave.request.return",
        object_type="leave",
        object_id=leave.public_id,
        before={"status": RequestStatus.APPROVED},
        after={"status": leave.status, "returned_at": returned_at},
    )
    return leave


def cover_candidates(leave: LeaveRequest, duty: roster_duties.Duty) -> list[roster_duties.CoverCandidate]:
    """Who could take this duty of the leave, best first (the roster's ranking)."""
    return roster_duties.cover_candidates(
        period=duty.period, day=duty.day, shift_type=duty.shift_type, post=duty.post, replacing=leave.person
    )


def find_duty(
    leave: LeaveRequest, period: RosterPeriod, day: dt.date, shift_type: ShiftType, post: str
) -> roster_duties.Duty:
    for duty in current_duties(leave):
        if (duty.period.pk, duty.day, duty.shift_type.pk, duty.post) == (period.pk, day, shift_type.pk, post):
            return duty
    raise ValidationError({"duty": "这不是本次请假涉及的值班"})


def _substitute_facts(absent: Person, substitute: Person, head_approved: bool | None = None) -> sub_02.SubstituteChoice:
    return sub_02.SubstituteChoice(
        absent_name=absent.name,
        substitute_name=substitute.name,
        absent_department=selectors.department_name(absent.unit),
        substitute_department=selectors.department_name(substitute.unit),
        head_approved=head_approved,
    )


def _check_candidate(
    candidates: list[roster_duties.CoverCandidate], substitute: Person, duty: roster_duties.Duty
) -> None:
    """A substitute not among the ranked candidates is refused by the rule that forbids them (ORG-03 an outsider,
    ROS-01 a post's role, a second duty at the time or too little rest), citing it; else for the reason in words."""
    if any(c.person.pk == substitute.pk for c in candidates):
        return
    refusal = roster_duties.cover_refusal(
        period=duty.period,
        day=duty.day,
        shift_type=duty.shift_type,
        post=duty.post,
        person=substitute,
        replacing=duty.person,
    )
    rules.enforce(duty.period.unit, ["ORG-03", "ROS-01"], refusal.facts, field="substitute")
    why = "；".join(refusal.reasons_zh) or "不在可顶替人员之列"
    raise ValidationError({"substitute": f"{substitute.name}不能顶替{duty.label}：{why}"})


@atomic_retrying
def cover_choose(
    *,
    actor: User,
    leave: LeaveRequest,
    period: RosterPeriod,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    substitute: Person,
) -> LeaveCover:
    """Choose the substitute for one duty the leave hits (SUB-01 cover first; SUB-02 same department)."""
    leave = kinds.LEAVE.locked(leave)
    if not selectors.may_choose_cover(actor, leave, period):
        raise PermissionDenied("you may not choose the cover of this leave")
    if leave.status != RequestStatus.PENDING:
        raise ValidationError({"status": "只有待审批的请假可以安排顶班"})
    duty = find_duty(leave, period, day, shift_type, post)
    _check_candidate(cover_candidates(leave, duty), substitute, duty)
    rules.enforce(leave.unit, ["SUB-02"], [_substitute_facts(leave.person, substitute)], field="substitute")
    cover = LeaveCover.objects.filter(leave=leave, period=period, day=day, shift_type=shift_type, post=post).first()
    before = cover.substitute.public_id if cover else None
    if cover is None:
        cover = LeaveCover(leave=leave, period=period, day=day, shift_type=shift_type, post=post)
    cover.substitute, cover.chosen_by, cover.chosen_at = substitute, actor, clock.now()
    cover.save()
    audit.record(
        actor=actor,
        action="leave.cover.choose",
        object_type="leave",
        object_id=leave.public_id,
        before={"substitute": before},
        after={"substitute": substitute.public_id},
        extra={"duty": duty.label},
    )
    return cover


def _check_certificate(upload: UploadedFile) -> str:
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in CERTIFICATE_TYPES:
        raise ValidationError({"certificate": f"只接受{'、'.join(sorted(CERTIFICATE_TYPES))}文件"})
    if upload.size is None or upload.size > CERTIFICATE_MAX_BYTES:
        raise ValidationError({"certificate": f"文件不能超过{CERTIFICATE_MAX_BYTES // (1024 * 1024)}MB"})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in CERTIFICATE_TYPES[extension]):
        raise ValidationError({"certificate": "文件内容与类型不符"})
    return extension


def sick_days(leave: LeaveRequest) -> tuple[dt.date, dt.date]:
    """First and last calendar day of a leave (to the actual return when the person came back early)."""
    until = min(leave.ends_at, leave.returned_at) if leave.returned_at else leave.ends_at
    first = lengths.local(leave.starts_at).date()
    return first, max(first, lengths.local(until - dt.timedelta(microseconds=1)).date())


@atomic_retrying
def certificate_upload(
    *,
    actor: User,
    leave: LeaveRequest,
    certificate: UploadedFile,
    covers_from: dt.date | None,
    covers_to: dt.date | None,
) -> LeaveRequest:
    """Hand in the medical certificate of a sick leave (LEAVE-08): the person, whoever filed it, or a manager.
    The dates it covers (`covers_from`..`covers_to`) are stored; where the pack declares LEAVE-08 they must
    cover the sick leave without a gap (dates_continuous)."""
    leave = kinds.LEAVE.locked(leave)
    if not kinds.person_filer_or_manager(actor, lifecycle.acting(actor), leave):
        raise PermissionDenied("you may not hand in this certificate")
    if leave.kind != LeaveKind.SICK:
        raise ValidationError({"certificate": "只有病假需要医疗证明"})
    if leave.status not in CERTIFICATE_STATES:
        raise ValidationError({"status": "这份请假已撤回或未获批准"})
    if covers_from is None:
        raise ValidationError({"certificate_from": "请填写证明的起始日期"})
    if covers_to is None:
        raise ValidationError({"certificate_to": "请填写证明的截止日期"})
    if covers_to < covers_from:
        raise ValidationError({"certificate_to": "证明的截止日期不能早于起始日期"})
    _check_certificate(certificate)
    first, last = sick_days(leave)
    dates = leave_08.CertificateDates(leave.person.name, first, last, covers_from, covers_to)
    rules.enforce(leave.unit, ["LEAVE-08"], [dates], field="certificate_from")
    replaced = bool(leave.certificate)
    leave.certificate.save(certificate.name or "certificate", certificate, save=False)
    leave.certificate_at = clock.now()
    leave.certificate_from, leave.certificate_to = covers_from, covers_to
    leave.save(update_fields=["certificate", "certificate_at", "certificate_from", "certificate_to"])
    if rules.params(leave.unit, "LEAVE-08") is not None:  # 假条必须在病假到期后第一天交给班长
        notify(
            recipients=_others(selectors.team_leads_of(leave.person), actor),
            subject=f"病假证明已提交：{leave.person.name} {covers_from:%m月%d日}至{covers_to:%m月%d日}",
            link=_link("leave:detail", leave.public_id),
        )
    audit.record(
        actor=actor,
        action="leave.certificate.upload",
        object_type="leave",
        object_id=leave.public_id,
        after={
            "certificate_at": leave.certificate_at,
            "certificate_from": covers_from,
            "certificate_to": covers_to,
            "replaced": replaced,
            "size": certificate.size,
        },
    )
    return leave


def leave_lapse(*, leave_id: int) -> bool:
    """Worker (LEAVE-05): a late request still waiting when its leave starts is recorded as absence (旷工)
    in the discipline register; its chain closes. Returns whether it acted."""
    leave = (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("person", "unit")
        .filter(pk=leave_id)
        .first()
    )
    if leave is None or not lifecycle.permits(lifecycle.LAPSE, leave.status) or leave.absence_recorded_at is not None:
        return False
    now = clock.now()
    lapse = leave_05.LeaveLapse(leave.person.name, leave.kind, leave.late, leave.starts_at, now, approved=False)
    outcome = rules.evaluate(leave.unit, ["LEAVE-05"], [lapse])
    records = [n for n in outcome.notes if n.code == "LEAVE-05.unapproved_is_absence"]
    if not records:
        return False
    duty = next(iter(current_duties(leave)), None)
    discipline.absence_record(
        actor=None,
        person=leave.person,
        day=lengths.local(leave.starts_at).date(),
        shift_type=duty.shift_type if duty else None,
        rule_id="LEAVE-05",
        subject_type=SUBJECT_LEAVE,
        subject_id=leave.pk,
        note=records[0].detail("zh"),
    )
    approvals.chain_cancel(subject_type=SUBJECT_LEAVE, subject_id=leave.pk)
    kinds.LEAVE.move(leave, lifecycle.LAPSE, RequestStatus.REJECTED)
    leave.decided_at, leave.absence_recorded_at = now, now
    leave.save(update_fields=["status", "decided_at", "absence_recorded_at"])
    notify(
        recipients=[leave.person, *selectors.team_leads_of(leave.person)],
        subject=f"请假未获批准，按旷工记录：{leave.person.name} {lengths.local(leave.starts_at):%m月%d日}",
        body=records[0].detail("zh"),
        link=_link("leave:detail", leave.public_id),
    )
    audit.record(
        actor=None,
        action="leave.request.lapse",
        object_type="leave",
        object_id=leave.public_id,
        before={"status": RequestStatus.PENDING},
        after={"status": leave.status, "absence": True},
        extra={"rule": "LEAVE-05"},
    )
    return True


# ── substitution 顶替 ─────────────────────────────────────────────────────────


def _duty(period: RosterPeriod, day: dt.date, shift_type: ShiftType, post: str, person: Person) -> roster_duties.Duty:
    if post not in Post.values:
        raise ValidationError({"post": f"unknown post {post!r}"})
    duty = roster_duties.duty_of(period, day, shift_type, post, person)
    if duty is None:
        raise ValidationError({"duty": f"{person.name}在{day:%Y-%m-%d} {shift_type.name}没有已公布的值班"})
    return duty


def substitution_chain(person: Person) -> list[StepSpec]:
    """SUB-02: the head of the person's department approves (SUB-01 where the pack has no SUB-02)."""
    rule_id = "SUB-02" if rules.params(person.unit, "SUB-02") is not None else "SUB-01"
    head = leave_03.Approver(
        1, Role.DEPARTMENT_HEAD, leave_03.LEVEL_DEPARTMENT, "处室负责人同意", "the department head consents"
    )
    return _steps(person, [head], rule_id)


@atomic_retrying
def substitution_file(
    *,
    actor: User,
    person: Person,
    period: RosterPeriod,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    substitute: Person,
    reason: str,
) -> Substitution:
    """Ask that `substitute` take `person`'s published duty (顶替): a ranked candidate of the same department
    (SUB-02), approved by the department head."""
    lifecycle.require_filer(kinds.SUBSTITUTION, actor, person)
    reason = _text(reason, "reason")
    duty = _duty(period, day, shift_type, post, person)
    if duty.ends_at <= clock.now():
        raise ValidationError({"duty": "这次值班已经结束"})
    if Substitution.objects.filter(
        period=period, day=day, shift_type=shift_type, post=post, person=person, status=RequestStatus.PENDING
    ).exists():
        raise ValidationError({"duty": "这次值班已有待审批的顶替申请"})
    candidates = roster_duties.cover_candidates(
        period=period, day=day, shift_type=shift_type, post=post, replacing=person
    )
    _check_candidate(candidates, substitute, duty)
    rules.enforce(person.unit, ["SUB-02"], [_substitute_facts(person, substitute)], field="substitute")

    def tell(substitution: Substitution) -> None:
        notify(
            recipients=[substitute],
            subject=f"顶替值班：{person.name}请您顶替{duty.label}（待处室负责人同意）",
            link=_link("leave:substitution_detail", substitution.public_id),
        )

    return lifecycle.file(
        kinds.SUBSTITUTION,
        actor=actor,
        person=person,
        fields={
            "substitute": substitute,
            "period": period,
            "day": day,
            "shift_type": shift_type,
            "post": post,
            "duty_starts_at": duty.starts_at,
            "reason": reason,
        },
        steps=substitution_chain(person),
        after={"person": person.public_id, "substitute": substitute.public_id, "duty": duty.label},
        tell=tell,
    )


@atomic_retrying
def substitution_decide(
    *, actor: User, substitution: Substitution, approve: bool, comment: str = "", reason: str = ""
) -> Substitution:
    """The department head decides; approval checks SUB-01/SUB-02 and moves the duty to the substitute."""

    def apply(row: Substitution) -> dict[str, Any]:
        person, substitute = row.person, row.substitute
        duty = _duty(row.period, row.day, row.shift_type, row.post, person)
        roles = _approved_roles(SUBJECT_SUBSTITUTION, row.pk)
        facts: list[object] = [
            sub_01.Substitution(person.name, substitute.name, duty.label, duty.starts_at, True, clock.now()),
            _substitute_facts(person, substitute, head_approved=Role.DEPARTMENT_HEAD in roles),
        ]
        outcome = rules.enforce(person.unit, ["SUB-01", "SUB-02"], facts)
        _going_ahead(
            outcome, actor=actor, unit=person.unit, subject=f"substitution:{row.public_id}", reason=reason or comment
        )
        record = next((n.detail("zh") for n in outcome.notes if n.code == "SUB-01.substitute_responsible"), "")
        (row.version,) = duty_changes.duties_move(
            actor=actor,
            moves=[duty_changes.DutyMove(duty.period, duty.day, duty.shift_type, duty.post, person, substitute)],
            channel="substitution",
            reason=f"{substitute.name}顶替{person.name}（{row.public_id}）",
        )
        row.responsibility = (record or _responsible(substitute, person, duty.label))[:300]
        link = _link("leave:substitution_detail", row.public_id)
        _report_to_secretariat(actor, person.unit, [row.responsibility], outcome, link)
        return {}

    def tell(row: Substitution, outcome: str) -> None:
        notify(
            recipients=[row.person, row.substitute],
            subject=f"顶替值班{'已批准' if outcome == RequestStatus.APPROVED else '未获同意'}："
            f"{row.substitute.name}顶替{row.person.name} {row.day:%m月%d日}",
            link=_link("leave:substitution_detail", row.public_id),
        )

    return lifecycle.decide(
        kinds.SUBSTITUTION,
        actor=actor,
        row=substitution,
        approve=approve,
        comment=comment,
        apply=apply,
        tell=tell,
        fields=("version", "responsibility"),
    )


@atomic_retrying
def substitution_cancel(*, actor: User, substitution: Substitution) -> Substitution:
    return lifecycle.cancel(kinds.SUBSTITUTION, actor=actor, row=substitution)


# ── compensatory rest 补休 ────────────────────────────────────────────────────


def rest_notes(person: Person, day: dt.date) -> list[str]:
    """ROS-07 in principle: rest is taken in the month of the duty; say so when older credits are drawn on."""
    first_of_month = day.replace(day=1)
    older = [c for c in rest_selectors.credits_of(person) if c.open_days > 0 and c.date < first_of_month]
    if not older:
        return []
    months = sorted({f"{c.date.year}年{c.date.month}月" for c in older})
    resolved = policy_selectors.resolved_for_unit(person.unit)
    declared = resolved is not None and resolved.pack.declares(ros_07.RULE_ID)
    title = resolved.title(ros_07.RULE_ID).zh if resolved is not None and declared else "原则上补休应在当月安排"
    return [f"{'、'.join(months)}的值班补休未在当月安排，将报部门和秘书处（{title}）"]


@atomic_retrying
def rest_request_file(*, actor: User, person: Person, day: dt.date, days: Any, note: str = "") -> RestRequest:
    """Ask for compensatory rest against the open ROS-07 credits (more than the balance is refused)."""
    lifecycle.require_filer(kinds.REST, actor, person)
    amount = rest_services.parse_days(days)
    note = _text(note, "note", required=False, limit=200)
    waiting = sum(
        (r.days for r in RestRequest.objects.filter(person=person, status=RequestStatus.PENDING)), Decimal("0")
    )
    available = rest_selectors.open_balance(person) - waiting
    rest_services.balance_enforce(person, amount, available)
    head = leave_03.Approver(
        1,
        Role.DEPARTMENT_HEAD,
        leave_03.LEVEL_DEPARTMENT,
        "处室负责人安排补休",
        "the department head arranges the rest",
    )
    return lifecycle.file(
        kinds.REST,
        actor=actor,
        person=person,
        fields={"day": day, "days": amount, "note": note},
        steps=_steps(person, [head], "ROS-07"),
        after={"person": person.public_id, "day": day, "days": str(amount)},
        extra={"notes": rest_notes(person, day)},
    )


@atomic_retrying
def rest_request_decide(*, actor: User, request: RestRequest, approve: bool, comment: str = "") -> RestRequest:
    """The department head decides; approval records the rest taken against the credits (roster rest)."""

    def apply(row: RestRequest) -> dict[str, Any]:
        row.taking = rest_services.rest_take(actor=actor, person=row.person, day=row.day, days=row.days, note=row.note)
        return {}

    def tell(row: RestRequest, outcome: str) -> None:
        notify(
            recipients=[row.person],
            subject=f"补休{VERDICT_ZH[outcome]}：{row.day:%m月%d日} {row.days}天",
            link=_link("leave:rest_detail", row.public_id),
        )

    return lifecycle.decide(
        kinds.REST,
        actor=actor,
        row=request,
        approve=approve,
        comment=comment,
        apply=apply,
        tell=tell,
        fields=("taking",),
    )


@atomic_retrying
def rest_request_cancel(*, actor: User, request: RestRequest) -> RestRequest:
    return lifecycle.cancel(kinds.REST, actor=actor, row=request)
