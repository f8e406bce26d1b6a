"""Writes of the swaps app: swaps and their returns (SWAP-01..08); the absences they lead to go to the discipline
register (zhiban.discipline).

Every service is keyword-only, atomic, permission-checked and records one audit event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals import services as approvals
from zhiban.approvals.models import ApprovalStep
from zhiban.approvals.steps import StepSpec
from zhiban.core import audit, clock, jobs
from zhiban.core.transactions import atomic_retrying
from zhiban.discipline import services as discipline
from zhiban.discipline.models import NOTE_MAX as RECORD_NOTE_MAX
from zhiban.discipline.models import DisciplineRecord
from zhiban.notify.services import notify
from zhiban.org.models import Person, Role
from zhiban.org.own_matters import refuse_own_matter
from zhiban.org.scopes import organisation_of
from zhiban.policy import services as policy
from zhiban.policy.rules import swap_05, swap_08
from zhiban.roster import duties as roster_duties
from zhiban.roster import duty_changes
from zhiban.roster.duties import Duty
from zhiban.swaps import checks, selectors
from zhiban.swaps.models import SwapDebt, SwapRequest
from zhiban.swaps.selectors import SUBJECT

NOTE_MAX = 500


# ------------------------------------------------------------------------------------ swaps


def _person(actor: User | None) -> Person:
    person = selectors.acting_person(actor)
    if person is None:
        raise PermissionDenied("only a person of the organisation may ask for or accept a swap")
    return person


def _swap_summary(swap: SwapRequest) -> dict[str, object]:
    back = checks.return_shift(swap)
    return {
        "status": swap.status,
        "requester": swap.requester.public_id,
        "colleague": swap.colleague.public_id if swap.colleague else None,
        "shift": checks.swapped_shift(swap).key,
        "return": back.key if back else None,
    }


def _link(swap: SwapRequest) -> str:
    return reverse("swaps:detail", args=[swap.public_id])


def _team_lead_steps(requester: Person, colleague: Person) -> list[StepSpec]:
    """SWAP-01: both sides' team leads, in parallel (one step when both work in the same unit). Nobody approves a
    swap of their own: where a side's only team lead is a party of the swap, the department head approves."""
    parties = {requester.pk, colleague.pk}
    sides = [(requester, "换班者", "the requester's"), (colleague, "接班者", "the colleague's")]
    if requester.unit_id == colleague.unit_id:
        sides = [(requester, "双方", "both sides'")]
    steps = []
    for person, zh, en in sides:
        spec = StepSpec(1, Role.TEAM_LEAD, person.unit, "SWAP-01", f"{zh}班长审批", f"{en} team lead approves")
        if not _approvers_besides(spec, parties):
            spec = StepSpec(
                1,
                Role.DEPARTMENT_HEAD,
                person.unit,
                "SWAP-01",
                f"{zh}部门负责人审批（班长为换班当事人）",
                f"{en} department head approves (the team lead is a party of the swap)",
            )
        if not _approvers_besides(spec, parties):
            raise ValidationError(
                {"colleague": f"{person.name}所在的{person.unit.name}没有班长，换班无法审批（SWAP-01）"}
            )
        steps.append(spec)
    return steps


def _approvers_besides(spec: StepSpec, parties: set[int]) -> list[Person]:
    return [p for p in approval_selectors.approvers_for(spec.role, spec.unit) if p.pk not in parties]


def _proposal(swap: SwapRequest) -> checks.Proposal:
    return checks.Proposal(
        requester=swap.requester,
        swapped=checks.swapped_shift(swap),
        colleague=swap.colleague,
        back=checks.return_shift(swap),
        is_return=swap.return_for_id is not None,
        existing=swap,
    )


def _set_return(swap: SwapRequest, duty: Duty | None) -> None:
    if duty is None:
        swap.return_period, swap.return_day, swap.return_shift_type, swap.return_post = None, None, None, ""
    else:
        swap.return_period, swap.return_day = duty.period, duty.day
        swap.return_shift_type, swap.return_post = duty.shift_type, duty.post


@atomic_retrying
def swap_request(
    *,
    actor: User | None,
    duty: str,
    colleague: Person | None = None,
    return_duty: str = "",
    reason: str = "",
    return_for: SwapDebt | None = None,
) -> SwapRequest:
    """Ask `colleague` (or, with None, post an open request) to take the actor's published `duty`.

    `duty` and `return_duty` name published duties (selectors.duty_token); the return is one of the
    colleague's own duties, offered as 还班, or left to be scheduled. `return_for` marks this as the
    return of an earlier swap (the creditor hands the returner a shift): not counted again (SWAP-02).
    """
    requester = _person(actor)
    mine = selectors.duty_from_token(requester, duty, field="duty")
    reason = reason.strip()
    if len(reason) > NOTE_MAX:
        raise ValidationError({"reason": f"理由最多{NOTE_MAX}字"})
    organisation = organisation_of(mine.period.unit)
    if colleague is not None and (
        colleague.pk == requester.pk
        or not colleague.is_active
        or not selectors.person_in_organisation(colleague, organisation)
    ):
        raise ValidationError({"colleague": "只能与本单位其他在岗人员换班"})
    back = None
    if return_duty:
        if colleague is None:
            raise ValidationError({"return_duty": "公开换班申请由接班者在接受时选择还班班次"})
        back = selectors.duty_from_token(colleague, return_duty, field="return_duty")
    if return_for is not None:
        if return_for.creditor_id != requester.pk or return_for.status != SwapDebt.Status.OPEN:
            raise ValidationError({"return_for": "只能为欠自己的未还班次安排还班"})
        if (
            return_for.return_day is not None
            or return_for.return_requests.filter(status__in=SwapRequest.PENDING).exists()
        ):
            raise ValidationError({"return_for": "这次还班已经安排"})
        if colleague is None or colleague.pk != return_for.returner_id or back is not None:
            raise ValidationError({"colleague": f"还班须交给欠班的{return_for.returner.name}，且不再另换班次"})
    swap = SwapRequest(
        organisation=organisation,
        requester=requester,
        period=mine.period,
        day=mine.day,
        shift_type=mine.shift_type,
        post=mine.post,
        colleague=colleague,
        return_for=return_for,
        reason=reason,
        status=SwapRequest.Status.OPEN,
        created_at=clock.now(),
    )
    _set_return(swap, back)
    checks.enforce(_proposal(swap))
    swap.save()
    if colleague is not None:
        notify(
            recipients=[colleague],
            subject=f"换班请求：{requester.name}请你替{checks.swapped_shift(swap).label}",
            body=reason,
            link=_link(swap),
        )
    audit.record(
        actor=actor,
        action="swaps.swap.request",
        object_type="swap",
        object_id=swap.public_id,
        after=_swap_summary(swap),
    )
    return swap


def _locked(swap: SwapRequest) -> SwapRequest:
    return SwapRequest.objects.select_for_update(of=("self",)).select_related(*selectors.SWAP_RELATED).get(pk=swap.pk)


@atomic_retrying
def swap_accept(*, actor: User | None, swap: SwapRequest, return_duty: str = "") -> SwapRequest:
    """The colleague accepts (for an open request: any colleague who may, SWAP-04), offering a return shift
    of theirs or leaving it to be scheduled; the swap then waits for both team leads (SWAP-01)."""
    colleague = _person(actor)
    swap = _locked(swap)
    if not selectors.can_accept(actor, swap):
        if swap.status != SwapRequest.Status.OPEN:
            raise ValidationError({"status": f"这条换班申请{swap.get_status_display()}，不能再接受"})
        raise PermissionDenied("this swap is not yours to accept")
    before = _swap_summary(swap)
    swap.colleague = colleague
    if return_duty:
        if swap.return_for_id is not None:
            raise ValidationError({"return_duty": "还班不再另换班次"})
        _set_return(swap, selectors.duty_from_token(colleague, return_duty, field="return_duty"))
    checks.enforce(_proposal(swap))
    steps = _team_lead_steps(swap.requester, colleague)
    swap.status, swap.accepted_at = SwapRequest.Status.ACCEPTED, clock.now()
    swap.save(update_fields=["colleague", *RETURN_FIELDS, "status", "accepted_at"])
    approvals.chain_start(
        subject_type=SUBJECT,
        subject_id=swap.pk,
        organisation=swap.organisation,
        steps=steps,
        parties=[swap.requester, colleague],
    )
    notify(
        recipients=[swap.requester],
        subject=f"{colleague.name}已接受换班：{checks.swapped_shift(swap).label}，待双方班长审批",
        link=_link(swap),
    )
    audit.record(
        actor=actor,
        action="swaps.swap.accept",
        object_type="swap",
        object_id=swap.public_id,
        before=before,
        after=_swap_summary(swap),
    )
    return swap


RETURN_FIELDS = ["return_period", "return_day", "return_shift_type", "return_post"]


def _close(swap: SwapRequest, status: str) -> None:
    swap.status, swap.closed_at = status, clock.now()
    swap.save(update_fields=["status", "closed_at"])


@atomic_retrying
def swap_decline(*, actor: User | None, swap: SwapRequest, reason: str = "") -> SwapRequest:
    """The named colleague says no."""
    swap = _locked(swap)
    if not selectors.can_decline(actor, swap):
        raise PermissionDenied("only the colleague asked may decline, while the request is open")
    _close(swap, SwapRequest.Status.DECLINED)
    notify(recipients=[swap.requester], subject=f"{swap.colleague}婉拒了换班", body=reason.strip(), link=_link(swap))
    audit.record(
        actor=actor, action="swaps.swap.decline", object_type="swap", object_id=swap.public_id, after={"reason": reason}
    )
    return swap


@atomic_retrying
def swap_withdraw(*, actor: User | None, swap: SwapRequest) -> SwapRequest:
    """The requester withdraws a swap not yet done; waiting approvals stop waiting."""
    swap = _locked(swap)
    if not selectors.can_withdraw(actor, swap):
        if swap.status not in SwapRequest.PENDING:
            raise ValidationError({"status": f"这条换班申请{swap.get_status_display()}，不能撤回"})
        raise PermissionDenied("only the requester may withdraw a swap")
    approvals.chain_cancel(subject_type=SUBJECT, subject_id=swap.pk)
    _close(swap, SwapRequest.Status.WITHDRAWN)
    if swap.colleague is not None:
        notify(recipients=[swap.colleague], subject=f"{swap.requester.name}撤回了换班申请", link=_link(swap))
    audit.record(actor=actor, action="swaps.swap.withdraw", object_type="swap", object_id=swap.public_id)
    return swap


def _approved_sides(swap: SwapRequest) -> tuple[bool, bool]:
    approved = [s for s in approval_selectors.steps_of(SUBJECT, swap.pk) if s.status == ApprovalStep.Status.APPROVED]

    def side(person: Person) -> bool:
        return any(person.unit.path.startswith(s.unit.path) for s in approved)

    assert swap.colleague is not None
    return side(swap.requester), side(swap.colleague)


def _moves(swap: SwapRequest) -> list[duty_changes.DutyMove]:
    assert swap.colleague is not None
    moves = [duty_changes.DutyMove(swap.period, swap.day, swap.shift_type, swap.post, swap.requester, swap.colleague)]
    back = checks.return_shift(swap)
    if back is not None:
        moves.append(
            duty_changes.DutyMove(back.period, back.day, back.shift_type, back.post, swap.colleague, swap.requester)
        )
    return moves


def _take_effect(actor: User, swap: SwapRequest) -> None:
    """Both team leads approved: re-check every rule (SWAP-01 too), move both duties, open the debt."""
    assert swap.colleague is not None
    checks.enforce(_proposal(swap), approvals=_approved_sides(swap))
    reason = f"{swap.requester.name}与{swap.colleague.name}换班（{checks.swapped_shift(swap).label}）"
    versions = duty_changes.duties_move(actor=actor, moves=_moves(swap), channel="swap", reason=reason)
    swap.roster_versions = [v.public_id for v in versions]
    swap.status, swap.closed_at = SwapRequest.Status.DONE, clock.now()
    swap.save(update_fields=["roster_versions", "status", "closed_at"])
    today = clock.today()
    if swap.return_for is not None:
        debt = SwapDebt.objects.select_for_update().get(pk=swap.return_for.pk)
        debt.return_period, debt.return_day = swap.period, swap.day
        debt.return_shift_type, debt.return_post = swap.shift_type, swap.post
        debt.save(update_fields=RETURN_FIELDS)
    else:
        back = checks.return_shift(swap)
        debt = SwapDebt.objects.create(
            swap=swap,
            organisation=swap.organisation,
            returner=swap.requester,
            creditor=swap.colleague,
            return_period=back.period if back else None,
            return_day=back.day if back else None,
            return_shift_type=back.shift_type if back else None,
            return_post=back.post if back else "",
            opened_on=today,
        )
    debt_schedule_check(debt)


@atomic_retrying
def swap_decide(*, actor: User, swap: SwapRequest, approve: bool, comment: str = "") -> SwapRequest:
    """A team lead approves or rejects (SWAP-01). A lead of both sides decides both steps at once; the last
    approval moves both duties in one new roster version (race-safe: the loser is told, nothing changes)."""
    swap = _locked(swap)
    refuse_own_matter(actor, [swap.requester, swap.colleague])
    if swap.status != SwapRequest.Status.ACCEPTED:
        raise ValidationError({"status": f"这条换班申请{swap.get_status_display()}，无需审批"})
    if not selectors.decidable_steps(actor, swap):
        raise PermissionDenied("no approval of this swap waits on you")
    outcome = "pending"
    while outcome == "pending" and selectors.decidable_steps(actor, swap):
        decision = approvals.step_decide(
            actor=actor, subject_type=SUBJECT, subject_id=swap.pk, approve=approve, comment=comment
        )
        outcome = decision.outcome
    before = _swap_summary(swap)
    if outcome == "rejected":
        _close(swap, SwapRequest.Status.REJECTED)
        notify(
            recipients=[p for p in (swap.requester, swap.colleague) if p is not None],
            subject=f"换班未获班长同意：{checks.swapped_shift(swap).label}",
            body=comment.strip(),
            link=_link(swap),
        )
    elif outcome == "approved":
        _take_effect(actor, swap)
    audit.record(
        actor=actor,
        action=f"swaps.swap.{'approve' if approve else 'reject'}",
        object_type="swap",
        object_id=swap.public_id,
        before=before,
        after={**_swap_summary(swap), "roster_versions": swap.roster_versions},
        extra={"comment": comment.strip()} if comment.strip() else None,
    )
    return swap


# ------------------------------------------------------------------------------------ debts (SWAP-08)


DEBT_CHECK = "swaps.debt_check"
CHECK_TIME = dt.time(9, 0)


def debt_facts(debt: SwapDebt, today: dt.date) -> swap_08.OpenReturn:
    swap = debt.swap
    return swap_08.OpenReturn(
        returner_name=debt.returner.name,
        creditor_name=debt.creditor.name,
        swapped_label=checks.shift_label(swap.day, swap.shift_type),
        opened_on=debt.opened_on,
        today=today,
        return_label=checks.shift_label(debt.return_day, debt.return_shift_type)
        if debt.return_day and debt.return_shift_type
        else "",
        return_day=debt.return_day,
        missed=debt.missed_on is not None,
    )


def debt_schedule_check(debt: SwapDebt) -> None:
    """Queue the next look at an open debt (inside the caller's transaction)."""
    if debt.status != SwapDebt.Status.OPEN:
        return
    params = selectors.swap_08_params(debt.organisation)
    today = clock.today()
    day = swap_08.next_check(debt_facts(debt, today), params) if params is not None else today + dt.timedelta(days=1)
    if debt.return_day is not None and debt.missed_on is None:
        day = min(day, debt.return_day + dt.timedelta(days=1))  # the day after the return: settle it
    due = dt.datetime.combine(max(day, today), CHECK_TIME, tzinfo=clock.local_tz())
    jobs.schedule(DEBT_CHECK, {"debt": debt.pk}, due_at=due, dedupe_key=f"{DEBT_CHECK}:{debt.pk}:{due.date()}")


@atomic_retrying
def debt_check(*, debt: SwapDebt) -> SwapDebt:
    """The worker's look at an open return debt: settle it once the return day passed with the returner on
    duty, mark it missed otherwise, remind both sides and the returner's team lead when SWAP-08 says so."""
    debt = (
        SwapDebt.objects.select_for_update(of=("self",))
        .select_related("swap__shift_type", "organisation")
        .get(pk=debt.pk)
    )
    if debt.status != SwapDebt.Status.OPEN:
        return debt
    today = clock.today()
    if debt.return_day is not None and debt.return_day < today and debt.missed_on is None:
        assert debt.return_period is not None
        assert debt.return_shift_type is not None
        worked = roster_duties.duty_of(
            debt.return_period, debt.return_day, debt.return_shift_type, debt.return_post, debt.returner
        )
        if worked is not None:
            debt.status, debt.settled_at = SwapDebt.Status.SETTLED, clock.now()
            debt.save(update_fields=["status", "settled_at"])
            audit.record(
                actor=None,
                action="swaps.debt.settle",
                object_type="swap_debt",
                object_id=debt.public_id,
                after={"return_day": debt.return_day},
            )
            return debt
        debt.missed_on = today
        debt.save(update_fields=["missed_on"])
        audit.record(
            actor=None,
            action="swaps.debt.missed",
            object_type="swap_debt",
            object_id=debt.public_id,
            after={"return_day": debt.return_day},
        )
    outcome = policy.evaluate(unit=debt.organisation, rule_ids=["SWAP-08"], facts=debt_facts(debt, today))
    leads = approval_selectors.approvers_for(Role.TEAM_LEAD, debt.returner.unit)
    for finding in outcome.notes:
        notify(
            recipients=[debt.returner, debt.creditor, *leads],
            subject=f"还班提醒：{finding.detail('zh')}",
            link=reverse("swaps:debts"),
            dedupe_key=f"swaps.debt:{debt.pk}:{today}",
        )
    debt_schedule_check(debt)
    return debt


# ------------------------------------------------------------------------------------ SWAP-05


@atomic_retrying
def swap_responsibility_judge(
    *,
    actor: User | None,
    swap: SwapRequest,
    which: str,
    requester_share: Decimal | str,
    colleague_share: Decimal | str,
    note: str = "",
) -> list[DisciplineRecord]:
    """SWAP-05: a missed or empty shift of a done swap (`which`: "swapped" or "return") is absence for both,
    with the shares the team lead judged (together 100%). Closes an open debt whose return was missed."""
    swap = _locked(swap)
    refuse_own_matter(actor, [swap.requester, swap.colleague])
    if not selectors.can_judge(actor, swap):
        if swap.status != SwapRequest.Status.DONE:
            raise ValidationError({"status": "只有已生效的换班才记录责任"})
        raise PermissionDenied("only a team lead (or above) of either side records the judgement")
    assert swap.colleague is not None
    shift = checks.swapped_shift(swap) if which == "swapped" else checks.return_shift(swap)
    if which not in ("swapped", "return") or shift is None:
        raise ValidationError({"which": "选择误班的班次：换班班次或还班班次"})
    shares = [
        (swap.requester.name, discipline.responsibility_share(requester_share)),
        (swap.colleague.name, discipline.responsibility_share(colleague_share)),
    ]
    if problem := swap_05.shares_problem(shares):
        raise ValidationError({"share": problem[0]})
    if DisciplineRecord.objects.filter(
        kind=DisciplineRecord.Kind.ABSENCE,
        rule_id="SWAP-05",
        subject_type=SUBJECT,
        subject_id=swap.pk,
        date=shift.day,
        shift_type=shift.shift_type,
    ).exists():
        raise ValidationError({"which": f"{shift.label}的责任已经记录"})
    facts = swap_05.ResponsibilityJudgement(shift.label, shift.day, tuple(shares))
    outcome = policy.evaluate(unit=swap.period.unit, rule_ids=["SWAP-05"], facts=facts)
    text = "; ".join(f.detail("zh") for f in outcome.notes) or swap_05.judgement_text(facts)[0]
    note = (note.strip() + "\n" + text).strip()[:RECORD_NOTE_MAX]
    absences = [
        discipline.absence_write(
            actor=actor,
            person=person,
            day=shift.day,
            shift_type=shift.shift_type,
            rule_id="SWAP-05",
            subject_type=SUBJECT,
            subject_id=swap.pk,
            share=share,
            note=note,
        )
        for person, (_, share) in zip((swap.requester, swap.colleague), shares, strict=True)
    ]
    debt = SwapDebt.objects.select_for_update().filter(swap=swap, status=SwapDebt.Status.OPEN).first()
    if debt is None and swap.return_for_id is not None:
        debt = SwapDebt.objects.select_for_update().filter(pk=swap.return_for_id, status=SwapDebt.Status.OPEN).first()
    if debt is not None and debt.missed_on is not None:
        debt.status, debt.settled_at = SwapDebt.Status.JUDGED, clock.now()
        debt.save(update_fields=["status", "settled_at"])
    audit.record(
        actor=actor,
        action="swaps.swap.judge",
        object_type="swap",
        object_id=swap.public_id,
        after={
            "shift": shift.key,
            "shares": {
                p.public_id: str(a.share) for p, a in zip((swap.requester, swap.colleague), absences, strict=True)
            },
            "absences": [a.public_id for a in absences],
        },
    )
    return absences
