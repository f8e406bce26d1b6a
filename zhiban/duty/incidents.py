"""Incidents (OPS-04): raise, the four steps each stamped by the app clock, the upward-report clock of the level, and
the escalation chain.

When the upward report is overdue, escalation starts: the unit's chain is resolved to people and frozen on the
incident (`Incident.escalation`), so later edits of the chain do not change a running escalation. Each step pages its
people, waits `ack_minutes` for an acknowledgement, pages again up to `repeats` times, then moves to the next step.
Reporting upward or an acknowledgement stops it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.duty import alerts, deadlines, selectors
from zhiban.duty.models import DutyShift, EscalationStep, Incident, IncidentEvent
from zhiban.duty.policy import params as rule_params
from zhiban.duty.services import stamp_once
from zhiban.org.models import Person, Unit
from zhiban.org.own_matters import refuse_own_matter
from zhiban.org.scopes import active_person
from zhiban.policy import services as policy
from zhiban.policy.rules import ops_04

# source: default — the unit has set no chain: the leader on duty, then the department head, then the secretariat.
DEFAULT_CHAIN = (
    (EscalationStep.Target.DUTY_LEADER, 10, 2),
    (EscalationStep.Target.DEPARTMENT_HEAD, 10, 2),
    (EscalationStep.Target.SECRETARIAT, 15, 1),
)
STEP_FIELDS = {
    step: field
    for step, field in zip(
        [s[0] for s in ops_04.STEPS],
        ["verified_at", "leader_told_at", "instructions_at", "reported_upward_at"],
        strict=True,
    )
}
STEP_LABELS = {code: zh for code, zh, _ in ops_04.STEPS}


def _link(incident: Incident) -> str:
    return reverse("duty:incident", args=[incident.public_id])


def _event(incident: Incident, kind: str, text: str, actor: User | None = None) -> None:
    IncidentEvent.objects.create(incident=incident, at=clock.now(), kind=kind, text=text[:500], actor=actor)


def _params(unit: Unit) -> Any:
    params = rule_params(unit, ops_04.RULE_ID)
    if params is None:
        raise ValidationError("本单位的值班制度没有事件报告规定")
    return params


@transaction.atomic
def incident_raise(
    *, actor: User, shift: DutyShift, title: str, level: str, place: str = "", description: str = ""
) -> Incident:
    """Log an incident on the shift; the clock of its level starts now and the leader on duty is told at once."""
    attendance = selectors.attendance_of(actor, shift)
    if attendance is None or attendance.checked_in_at is None or shift.is_closed:
        raise PermissionDenied("只有本班已到岗的值班人员可以登记事件")
    params = _params(shift.unit)
    if level not in ops_04.levels(params):
        raise ValidationError({"level": f"事件级别须为：{'、'.join(ops_04.levels(params))}"})
    title = str(title or "").strip()
    if not title or len(title) > 120:
        raise ValidationError({"title": "请填写事件名称（最多120字）"})
    now = clock.now()
    incident = Incident.objects.create(
        shift=shift,
        unit=shift.unit,
        title=title,
        level=level,
        place=str(place or "").strip()[:120],
        description=str(description or "").strip()[:2000],
        raised_at=now,
        raised_by=actor,
        report_due_at=ops_04.report_deadline_at(now, level, params),
    )
    due = incident.report_due_at
    _event(
        incident,
        "raised",
        f"登记事件（{level}）" + (f"，须在{clock.local(due):%H:%M}前向上级报告" if due else ""),
        actor,
    )
    deadlines.incident(incident, params)
    alerts.tell(
        selectors.leaders_on(shift),
        f"事件报告：{title}（{level}）",
        body=incident.description,
        link=_link(incident),
        dedupe_key=f"duty-incident-raised:{incident.pk}",
        unit=shift.unit if due else None,
    )
    audit.record(
        actor=actor,
        action="duty.incident.raise",
        object_type="incident",
        object_id=incident.public_id,
        after={"title": title, "level": level, "report_due_at": due},
    )
    return incident


def _may_act(actor: User, incident: Incident) -> bool:
    return selectors.attendance_of(actor, incident.shift) is not None or selectors.can_manage(actor, incident.unit)


@transaction.atomic
def incident_step(*, actor: User, incident: Incident, step: str, text: str = "") -> Incident:
    """Stamp the next step: 核实 → 报告带班领导 → 按领导意见处理 → 向上级报告 (in this order)."""
    incident = Incident.objects.select_for_update(of=("self",)).select_related("shift", "unit").get(pk=incident.pk)
    if not _may_act(actor, incident):
        raise PermissionDenied("只有本班值班人员或本单位负责人可以处理这个事件")
    if step not in STEP_FIELDS:
        raise ValidationError({"step": "未知的处理步骤"})
    order = list(STEP_FIELDS)
    for earlier in order[: order.index(step)]:
        if getattr(incident, STEP_FIELDS[earlier]) is None:
            raise ValidationError({"step": f"请先完成“{STEP_LABELS[earlier]}”"})
    if getattr(incident, STEP_FIELDS[step]) is not None:
        raise ValidationError({"step": f"“{STEP_LABELS[step]}”已记录"})
    text = str(text or "").strip()[:500]
    now = clock.now()
    setattr(incident, STEP_FIELDS[step], now)
    fields = [STEP_FIELDS[step]]
    if step == "instructions":
        if not text:
            raise ValidationError({"text": "请写明领导的处理意见"})
        incident.instructions = text
        fields.append("instructions")
    if step == "reported_upward":
        if not text:
            raise ValidationError({"text": "请写明报告给谁（如省委、省政府值班室）"})
        incident.reported_to = text[:120]
        fields.append("reported_to")
        _settle_report(incident, now)
        fields.append("report")
    incident.save(update_fields=fields)
    _event(incident, step, STEP_LABELS[step] + (f"：{text}" if text else ""), actor)
    audit.record(
        actor=actor,
        action=f"duty.incident.{step}",
        object_type="incident",
        object_id=incident.public_id,
        after={"at": now, "text": text, "report": incident.report},
    )
    return incident


def _settle_report(incident: Incident, now: dt.datetime) -> None:
    """On time, or late (迟报) by the level's clock; the finding is recorded on the timeline."""
    if incident.report_due_at is None:
        return
    facts = ops_04.IncidentClock(incident.title, incident.level, incident.raised_at, now, now)
    outcome = policy.evaluate(unit=incident.unit, rule_ids=[ops_04.RULE_ID], facts=facts)
    late = [f for f in outcome.notes if f.check == "late_report_recorded"]
    incident.report = Incident.Report.LATE if late else Incident.Report.ON_TIME
    if late:
        _event(incident, "late", late[0].finding.message_zh)


@transaction.atomic
def incident_conceal(*, actor: User, incident: Incident, note: str) -> Incident:
    """A manager records that a report was withheld (瞒报); never one of the shift's own people."""
    incident = Incident.objects.select_for_update(of=("self",)).select_related("shift", "unit").get(pk=incident.pk)
    if not selectors.can_manage(actor, incident.unit):
        raise PermissionDenied("只有本单位负责人可以认定瞒报")
    refuse_own_matter(actor, list(incident.shift.attendances.values_list("person_id", flat=True)))
    note = str(note or "").strip()
    if not note:
        raise ValidationError({"note": "请写明认定瞒报的依据"})
    facts = ops_04.IncidentClock(
        incident.title, incident.level, incident.raised_at, incident.reported_upward_at, clock.now(), concealed=True
    )
    outcome = policy.evaluate(unit=incident.unit, rule_ids=[ops_04.RULE_ID], facts=facts)
    incident.report = Incident.Report.CONCEALED
    incident.save(update_fields=["report"])
    _event(
        incident, "concealed", ("; ".join(f.finding.message_zh for f in outcome.notes) or "瞒报") + f"：{note}", actor
    )
    audit.record(
        actor=actor,
        action="duty.incident.conceal",
        object_type="incident",
        object_id=incident.public_id,
        after={"note": note},
    )
    return incident


@transaction.atomic
def incident_acknowledge(*, actor: User, incident: Incident) -> Incident:
    """Someone paged (or the leader on duty, or a manager) acknowledges: the escalation stops paging."""
    incident = Incident.objects.select_for_update(of=("self",)).select_related("shift", "unit").get(pk=incident.pk)
    person = active_person(actor)
    paged = {p["id"] for step in incident.escalation for p in step["people"]}
    if not (
        (person is not None and person.pk in paged)
        or selectors.is_leader_of(actor, incident.shift)
        or selectors.can_manage(actor, incident.unit)
    ):
        raise PermissionDenied("你不在这个事件的升级链上")
    stamp_once(
        incident,
        actor=actor,
        at="acknowledged_at",
        by="acknowledged_by",
        action="duty.incident.acknowledge",
        already="已有人确认",
    )
    _event(incident, "acknowledged", f"{person.name if person else '管理员'}已确认收到", actor)
    return incident


# ── the escalation chain ─────────────────────────────────────────────────────────────────────────────────────────


def chain_of(unit: Unit) -> list[tuple[str, Person | None, int, int]]:
    """The unit's chain (nearest unit up the tree that set one), else the default."""
    ancestors = [unit.path[: i + 1] for i, ch in enumerate(unit.path) if ch == "."]
    steps = list(
        EscalationStep.objects.filter(unit__path__in=ancestors)
        .select_related("unit", "person")
        .order_by("-unit__path", "order")
    )
    if steps:
        nearest = steps[0].unit_id
        return [(s.target, s.person, s.ack_minutes, s.repeats) for s in steps if s.unit_id == nearest]
    return [(target, None, ack, repeats) for target, ack, repeats in DEFAULT_CHAIN]


def _people(target: str, person: Person | None, incident: Incident) -> list[Person]:
    if target == EscalationStep.Target.PERSON:
        return [person] if person is not None and person.is_active else []
    if target == EscalationStep.Target.DUTY_LEADER:
        return selectors.leaders_on(incident.shift)
    if target == EscalationStep.Target.DEPARTMENT_HEAD:
        return selectors.department_heads(incident.unit)
    return selectors.secretariat(incident.unit)


def snapshot(incident: Incident) -> list[dict[str, Any]]:
    """The chain resolved to people, as it stands now."""
    frozen = []
    for target, person, ack, repeats in chain_of(incident.unit):
        people = _people(target, person, incident)
        frozen.append(
            {
                "target": target,
                "label": str(EscalationStep.Target(target).label)
                if target != "person" or person is None
                else person.name,
                "ack_minutes": ack,
                "repeats": repeats,
                "people": [{"id": p.pk, "name": p.name, "mobile": p.mobile or p.office_phone} for p in people],
            }
        )
    return [step for step in frozen if step["people"]]


def start_escalation(incident: Incident) -> None:
    """Freeze the chain on the incident and page its first step now (once)."""
    if incident.escalation_started_at is not None:
        return
    incident.escalation = snapshot(incident)
    incident.escalation_started_at = clock.now()
    incident.save(update_fields=["escalation", "escalation_started_at"])
    names = " → ".join(f"{s['label']}（{'、'.join(p['name'] for p in s['people'])}）" for s in incident.escalation)
    _event(incident, "escalation", f"开始升级：{names or '升级链上无人'}")
    if incident.escalation:
        deadlines.escalation_page(incident, 0, 1, clock.now())


def page(incident: Incident, step: int, attempt: int) -> None:
    """Page step `step` (attempt `attempt`) of the frozen chain and schedule what follows, unless it has stopped."""
    if (
        incident.acknowledged_at is not None
        or incident.reported_upward_at is not None
        or step >= len(incident.escalation)
    ):
        return
    current = incident.escalation[step]
    people = list(Person.objects.filter(pk__in=[p["id"] for p in current["people"]]))
    alerts.tell(
        people,
        f"【升级】{incident.title}（{incident.level}）逾时未向上级报告，请确认",
        body=f"登记于{clock.local(incident.raised_at):%H:%M}，应于{clock.local(incident.report_due_at):%H:%M}前报告。"
        if incident.report_due_at
        else "",
        link=_link(incident),
        dedupe_key=f"duty-escalation:{incident.pk}:{step}:{attempt}",
        unit=incident.unit if step == 0 and attempt == 1 else None,
    )
    _event(
        incident,
        "paged",
        f"第{step + 1}级 {current['label']}：第{attempt}次通知{'、'.join(p['name'] for p in current['people'])}",
    )
    wait = dt.timedelta(minutes=int(current["ack_minutes"]))
    if attempt < int(current["repeats"]):
        deadlines.escalation_page(incident, step, attempt + 1, clock.now() + wait)
    elif step + 1 < len(incident.escalation):
        deadlines.escalation_page(incident, step + 1, 1, clock.now() + wait)


@transaction.atomic
def chain_set(*, actor: User, unit: Unit, steps: list[dict[str, Any]]) -> list[EscalationStep]:
    """Replace the unit's escalation chain (its managers only). Running escalations keep their frozen chain."""
    if not selectors.can_manage(actor, unit):
        raise PermissionDenied("只有本单位负责人可以设置升级链")
    if not 1 <= len(steps) <= 10:
        raise ValidationError({"steps": "升级链须有1到10级"})
    before = [(t, p.pk if p else None, a, r) for t, p, a, r in chain_of(unit)]
    EscalationStep.objects.filter(unit=unit).delete()
    created = []
    for order, raw in enumerate(steps, start=1):
        target = str(raw.get("target", ""))
        if target not in EscalationStep.Target.values:
            raise ValidationError({f"steps[{order}].target": "未知的升级对象"})
        person = raw.get("person")
        if target == EscalationStep.Target.PERSON and not isinstance(person, Person):
            raise ValidationError({f"steps[{order}].person": "请选择人员"})
        try:
            ack, repeats = int(raw.get("ack_minutes", 10)), int(raw.get("repeats", 1))
        except (TypeError, ValueError):
            raise ValidationError({f"steps[{order}].ack_minutes": "须为整数"}) from None
        if not (1 <= ack <= 240 and 1 <= repeats <= 10):
            raise ValidationError({f"steps[{order}].ack_minutes": "应答时限1到240分钟，通知次数1到10次"})
        created.append(
            EscalationStep.objects.create(
                unit=unit,
                order=order,
                target=target,
                person=person if target == "person" else None,
                ack_minutes=ack,
                repeats=repeats,
            )
        )
    audit.record(
        actor=actor,
        action="duty.escalation_chain.set",
        object_type="unit",
        object_id=unit.public_id,
        before=before,
        after=[(s.target, s.person_id, s.ack_minutes, s.repeats) for s in created],
    )
    return created
