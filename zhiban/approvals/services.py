"""Approval chains: start, decide (race-safe, level by level), cancel, remind overdue approvers.

These run inside the requesting app's service (leave, swap, substitution), which checks its own rules
and records the audit event; a chain never changes on its own except for the overdue reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.accounts.models import User
from zhiban.approvals import selectors
from zhiban.approvals.models import ApprovalStep
from zhiban.approvals.steps import StepSpec
from zhiban.approvals.subjects import describe
from zhiban.core import clock
from zhiban.core.dates import month_day_time
from zhiban.notify.services import notify
from zhiban.org.models import Person, Unit
from zhiban.org.own_matters import refuse_own_matter

Outcome = Literal["pending", "approved", "rejected"]


@dataclass(frozen=True)
class Decision:
    step: ApprovalStep
    outcome: Outcome


def chain_start(
    *,
    subject_type: str,
    subject_id: int,
    organisation: Unit,
    steps: Sequence[StepSpec],
    parties: Sequence[Person],
    wait_hours: int | None = None,
) -> list[ApprovalStep]:
    """Create the chain of a request and tell the approvers of the first level. `parties` are the people the
    request is about: none of them may decide a step of it, or is told to."""
    if not steps:
        raise ValidationError({"step": "an approval chain needs at least one step"})
    if ApprovalStep.objects.filter(subject_type=subject_type, subject_id=subject_id, status="pending").exists():
        raise ValidationError({"step": "this request already waits for approval"})
    now = clock.now()
    first = min(spec.order for spec in steps)
    party_ids = sorted({p.pk for p in parties})
    wait_until = now + dt.timedelta(hours=wait_hours) if wait_hours else None
    created = ApprovalStep.objects.bulk_create(
        ApprovalStep(
            organisation=organisation,
            subject_type=subject_type,
            subject_id=subject_id,
            order=spec.order,
            role=spec.role,
            unit=spec.unit,
            rule_id=spec.rule_id,
            label_zh=spec.label_zh,
            label_en=spec.label_en,
            created_at=now,
            wait_hours=wait_hours,
            wait_until=wait_until if spec.order == first else None,  # a later level waits from when it begins
            parties=party_ids,
        )
        for spec in sorted(steps, key=lambda s: s.order)
    )
    _tell_current(subject_type, subject_id)
    return created


def _tell_current(subject_type: str, subject_id: int) -> None:
    title, url = describe(subject_type, subject_id)
    for step in selectors.current_steps(subject_type, subject_id):
        notify(
            recipients=selectors.approvers(step),
            subject=f"待审批：{title}（{step.label_zh}）",
            link=url,
            dedupe_key=f"approval:{step.public_id}",
        )


def _locked_chain(subject_type: str, subject_id: int) -> list[ApprovalStep]:
    return list(
        ApprovalStep.objects.select_for_update(of=("self",))
        .filter(subject_type=subject_type, subject_id=subject_id)
        .select_related("unit")
        .order_by("order", "id")
    )


def step_decide(*, actor: User, subject_type: str, subject_id: int, approve: bool, comment: str = "") -> Decision:
    """The actor approves or rejects the step of the current level they may decide.

    Runs in the caller's transaction; the chain's rows are locked, so two approvers racing on one step
    cannot both decide it. A rejection closes the chain (later steps are cancelled).
    """
    chain = _locked_chain(subject_type, subject_id)
    refuse_own_matter(actor, {pk for step in chain for pk in step.parties})
    order = selectors.current_order(chain)
    if order is None:
        raise ValidationError({"step": "this request waits for no approval"})
    mine = [s for s in chain if s.order == order and s.status == "pending" and selectors.can_decide(actor, s)]
    if not mine:
        raise PermissionDenied("no step of this request waits on you")
    step = mine[0]
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": "say why the request is rejected"})
    now = clock.now()
    step.status = ApprovalStep.Status.APPROVED if approve else ApprovalStep.Status.REJECTED
    step.decided_by, step.decided_at, step.comment = actor, now, comment[:500]
    step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    if not approve:
        ApprovalStep.objects.filter(subject_type=subject_type, subject_id=subject_id, status="pending").update(
            status=ApprovalStep.Status.CANCELLED
        )
        return Decision(step, "rejected")
    if all(s.status == "approved" or s.pk == step.pk for s in chain):
        return Decision(step, "approved")
    if not any(s.status == "pending" and s.order == order for s in chain if s.pk != step.pk):
        _start_level(chain, now)
        _tell_current(subject_type, subject_id)  # the next level now waits
    return Decision(step, "pending")


def _start_level(chain: list[ApprovalStep], now: dt.datetime) -> None:
    """The next level begins waiting now: its reminder time counts from here."""
    pending = [s for s in chain if s.status == "pending"]
    if not pending:
        return
    level = min(s.order for s in pending)
    for s in pending:
        if s.order == level and s.wait_hours:
            s.wait_until = now + dt.timedelta(hours=s.wait_hours)
            s.save(update_fields=["wait_until"])


def chain_cancel(*, subject_type: str, subject_id: int) -> int:
    """Withdrawn or cancelled request: its waiting steps stop waiting."""
    return ApprovalStep.objects.filter(subject_type=subject_type, subject_id=subject_id, status="pending").update(
        status=ApprovalStep.Status.CANCELLED
    )


def overdue_remind(now: dt.datetime) -> int:
    """Remind the approvers of every step that has waited longer than its request allows (once per step)."""
    count = 0
    for step in selectors.overdue(now):
        title, url = describe(step.subject_type, step.subject_id)
        notify(
            recipients=selectors.approvers(step),
            subject=f"审批超时提醒：{title}（{step.label_zh}）已等待至{month_day_time(step.wait_until or now)}",
            link=url,
            dedupe_key=f"approval-overdue:{step.public_id}",
        )
        step.reminded_at = now
        step.save(update_fields=["reminded_at"])
        count += 1
    return count
