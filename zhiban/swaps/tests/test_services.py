"""Swap services under SWAP-01..08: asking, accepting, both team leads approving, the roster moving, the return
debt, the responsibility judgement; each refusal names its rule and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.approvals.models import ApprovalStep
from zhiban.core.models import AuditEvent, Job
from zhiban.discipline.models import DisciplineRecord
from zhiban.policy import services as policy
from zhiban.policy.errors import RuleViolationError
from zhiban.roster import duties, duty_changes
from zhiban.roster.models import Assignment, RosterVersion
from zhiban.swaps import selectors, services
from zhiban.swaps.models import SwapDebt, SwapRequest
from zhiban.swaps.tests.conftest import Centre

pytestmark = pytest.mark.django_db

D = dt.date
NOW_TZ = dt.timezone(dt.timedelta(hours=8))


def dec(day: int) -> dt.date:
    return D(2026, 12, day)


def _state() -> tuple[int, int, int, int, int, int]:
    """What a refused action must leave as it was: swaps, steps, debts, absences, roster versions, audit."""
    return (
        SwapRequest.objects.count(),
        ApprovalStep.objects.count(),
        SwapDebt.objects.count(),
        DisciplineRecord.objects.count(),
        RosterVersion.objects.count(),
        AuditEvent.objects.count(),
    )


def ask(c: Centre, who: str, day: int, colleague: str | None = None, back: int | None = None) -> SwapRequest:
    person = c[who]
    other = c[colleague] if colleague else None
    return services.swap_request(
        actor=person.user,
        duty=c.token(person, dec(day), "early"),
        colleague=other,
        return_duty=c.token(other, dec(back), "early") if other and back else "",
        reason="家里有事",
    )


def approve_both(c: Centre, swap: SwapRequest) -> SwapRequest:
    services.swap_decide(actor=c["lead_a"].user, swap=swap, approve=True)
    return services.swap_decide(actor=c["lead_b"].user, swap=swap, approve=True)


def holder(c: Centre, day: int, code: str = "early") -> str:
    c["period"].refresh_from_db()
    (a,) = Assignment.objects.filter(
        version=c["period"].published_version, date=dec(day), shift_type=c["shifts"][code], post="duty_officer"
    )
    return a.person.name


def refused(error: pytest.ExceptionInfo[RuleViolationError]) -> list[str]:
    return error.value.codes


# ------------------------------------------------------------------------------------ the whole swap


def test_swap_done_moves_both_people_in_one_new_roster_version(roster: Centre) -> None:
    c = roster
    before = c["period"].published_version.number
    swap = ask(c, "wang", 7, "li", back=8)
    assert swap.status == SwapRequest.Status.OPEN
    swap = services.swap_accept(actor=c["li"].user, swap=swap)
    assert swap.status == SwapRequest.Status.ACCEPTED
    assert [s.unit for s in ApprovalStep.objects.filter(subject_type="swap")] == [c["team_a"], c["team_b"]]
    swap = approve_both(c, swap)
    assert swap.status == SwapRequest.Status.DONE
    c["period"].refresh_from_db()
    assert c["period"].published_version.number == before + 1
    assert swap.roster_versions == [c["period"].published_version.public_id]
    assert (holder(c, 7), holder(c, 8)) == ("li", "wang")
    debt = swap.debt
    assert (debt.returner, debt.creditor, debt.return_day) == (c["wang"], c["li"], dec(8))
    assert Job.objects.filter(kind="swaps.debt_check", payload={"debt": debt.pk}).exists()


def test_swap_01_one_team_lead_approving_leaves_the_roster_as_it_was(roster: Centre) -> None:
    c = roster
    swap = services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8))
    versions = RosterVersion.objects.count()
    swap = services.swap_decide(actor=c["lead_a"].user, swap=swap, approve=True)
    assert swap.status == SwapRequest.Status.ACCEPTED
    assert RosterVersion.objects.count() == versions
    assert holder(c, 7) == "wang"


def test_swap_01_a_lead_of_both_sides_approves_both_steps_at_once(roster: Centre) -> None:
    c = roster
    swap = services.swap_accept(actor=c["zhao"].user, swap=ask(c, "wang", 7, "zhao", back=12))
    assert ApprovalStep.objects.filter(subject_type="swap").count() == 1  # one team: one step
    swap = services.swap_decide(actor=c["lead_a"].user, swap=swap, approve=True)
    assert swap.status == SwapRequest.Status.DONE


@pytest.mark.parametrize("who", ["wang", "li", "zhao", "lead_b"])
def test_swap_01_only_a_current_team_lead_decides(roster: Centre, who: str) -> None:
    c = roster
    swap = services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8))
    if who == "lead_b":
        services.swap_decide(actor=c["lead_b"].user, swap=swap, approve=True)  # lead_b's own step is done
    state = _state()
    with pytest.raises(PermissionDenied):
        services.swap_decide(actor=c[who].user, swap=swap, approve=True)
    assert _state() == state


def test_swap_01_a_rejection_closes_the_swap_and_keeps_the_roster(roster: Centre) -> None:
    c = roster
    swap = services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8))
    with pytest.raises(ValidationError):
        services.swap_decide(actor=c["lead_b"].user, swap=swap, approve=False)  # a reason is needed
    swap = services.swap_decide(actor=c["lead_b"].user, swap=swap, approve=False, comment="人手不足")
    assert swap.status == SwapRequest.Status.REJECTED
    assert holder(c, 7) == "wang"


def test_swap_01_register_lists_the_months_swaps_for_the_team_lead(roster: Centre) -> None:
    c = roster
    swap = approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    assert selectors.register(user=c["lead_a"].user, first=dec(1), last=dec(31)) == [swap]
    assert selectors.register(user=c["zhao"].user, first=dec(1), last=dec(31)) == []


def test_swap_loser_of_a_race_is_told_and_nothing_changes(roster: Centre) -> None:
    c = roster
    swap = services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8))
    services.swap_decide(actor=c["lead_a"].user, swap=swap, approve=True)
    move = duty_changes.DutyMove(c["period"], dec(7), c["shifts"]["early"], "duty_officer", c["wang"], c["zhao"])
    duty_changes.duties_move(actor=None, moves=[move], channel="leave", reason="病假")
    state = _state()
    with pytest.raises(ValidationError) as error:
        services.swap_decide(actor=c["lead_b"].user, swap=swap, approve=True)
    assert "duty" in error.value.message_dict
    assert _state() == state
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED


def test_swap_withdraw_and_decline(roster: Centre) -> None:
    c = roster
    swap = services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8))
    with pytest.raises(PermissionDenied):
        services.swap_withdraw(actor=c["li"].user, swap=swap)
    swap = services.swap_withdraw(actor=c["wang"].user, swap=swap)
    assert swap.status == SwapRequest.Status.WITHDRAWN
    assert not ApprovalStep.objects.filter(subject_type="swap", status="pending").exists()
    other = ask(c, "wang", 11, "li")
    with pytest.raises(PermissionDenied):
        services.swap_decline(actor=c["zhao"].user, swap=other)
    assert services.swap_decline(actor=c["li"].user, swap=other).status == SwapRequest.Status.DECLINED


def test_swap_open_request_board_and_accept_by_an_eligible_colleague(roster: Centre) -> None:
    c = roster
    swap = ask(c, "wang", 7)
    assert swap in selectors.open_board(user=c["li"].user)
    assert selectors.open_board(user=c["wang"].user) == []
    swap = services.swap_accept(actor=c["li"].user, swap=swap, return_duty=c.token(c["li"], dec(8), "early"))
    assert (swap.colleague, swap.return_day) == (c["li"], dec(8))


def test_swap_someone_else_s_duty_cannot_be_offered(roster: Centre) -> None:
    c = roster
    state = _state()
    with pytest.raises(ValidationError) as error:
        services.swap_request(actor=c["zhao"].user, duty=c.token(c["wang"], dec(7), "early"), colleague=c["li"])
    assert "duty" in error.value.message_dict
    assert _state() == state


# ------------------------------------------------------------------------------------ SWAP-02


def test_swap_02_second_swap_of_the_month_passes_and_the_third_is_refused(roster: Centre) -> None:
    c = roster
    ask(c, "wang", 7)
    ask(c, "wang", 11)  # at the limit: 2 in December
    state = _state()
    with pytest.raises(RuleViolationError) as error:
        ask(c, "wang", 16)
    assert refused(error) == ["SWAP-02.monthly_limit"]
    assert _state() == state


def test_swap_02_counts_for_the_colleague_too_and_the_return_does_not_count_again(roster: Centre) -> None:
    c = roster
    approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    assert services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 14, "li")).status == "accepted"  # 2 for li
    state = _state()
    with pytest.raises(RuleViolationError) as error:
        ask(c, "zhao", 18, "li")
    assert refused(error) == ["SWAP-02.monthly_limit"]
    assert "li" in str(error.value)
    assert _state() == state


# ------------------------------------------------------------------------------------ SWAP-03


def test_swap_03_a_shift_next_to_one_in_a_swap_is_refused(roster: Centre) -> None:
    c = roster
    ask(c, "wang", 7)
    state = _state()
    with pytest.raises(RuleViolationError) as error:
        ask(c, "wang", 9)  # wang's next shift after the 7th
    assert refused(error) == ["SWAP-03.no_consecutive_swaps"]
    assert _state() == state
    assert ask(c, "wang", 11).status == "open"  # two shifts away: allowed


def test_swap_03_a_swapped_shift_cannot_be_swapped_again(roster: Centre) -> None:
    c = roster
    approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li")))
    state = _state()
    with pytest.raises(RuleViolationError) as error:
        ask(c, "li", 7, "zhao")
    assert "SWAP-03.no_consecutive_swaps" in refused(error)
    assert _state() == state


def test_swap_03_back_to_back_at_min_rest_passes_and_a_minute_more_rest_required_refuses(roster: Centre) -> None:
    """The minimum rest is ROS-01's (one parameter for generation, cell edits, leave covers and swaps)."""
    c = roster
    # junior's late shift on the 8th ends at midnight; wang's early on the 9th starts 8 hours later.
    token = c.token(c["junior"], dec(8), "late")
    swap = services.swap_request(actor=c["junior"].user, duty=token, colleague=c["wang"])
    services.swap_withdraw(actor=c["junior"].user, swap=swap)
    live = policy.selectors.policy_for_unit(c["org"])
    assert live is not None
    policy.policy_parameter_override(actor=None, policy=live, rule_id="ROS-01", parameter="min_rest", value="8h1m")
    state = _state()
    with pytest.raises(RuleViolationError) as error:
        services.swap_request(actor=c["junior"].user, duty=token, colleague=c["wang"])
    assert refused(error) == ["SWAP-03.no_back_to_back"]
    assert "连班" in str(error.value)
    assert _state() == state


# ------------------------------------------------------------------------------------ SWAP-04


def test_swap_04_one_grade_apart_passes(roster: Centre) -> None:
    c = roster
    assert ask(c, "wang", 7, "junior").status == "open"


@pytest.mark.parametrize(
    ("requester", "day", "code", "colleague"),
    [("wang", 7, "early", "fixer"), ("junior", 8, "late", "lead_b"), ("wang", 7, "early", "novice")],
    ids=["other_job_type", "two_grades_apart", "grade_not_recorded"],
)
def test_swap_04_other_job_type_two_grades_apart_or_unknown_grade_is_refused(
    roster: Centre, requester: str, day: int, code: str, colleague: str
) -> None:
    c = roster
    state = _state()
    with pytest.raises(RuleViolationError) as error:
        services.swap_request(
            actor=c[requester].user, duty=c.token(c[requester], dec(day), code), colleague=c[colleague]
        )
    assert refused(error) == ["SWAP-04.job_type_and_grade"]
    assert _state() == state


def test_org_03_a_guard_of_the_centre_is_never_asked_to_take_a_shift_by_swap(roster: Centre) -> None:
    """The colleague who takes the swapped shift stands duty: ORG-03 refuses a guard at the request, citing the
    rule (before, only publishing the swap's new roster version refused them, after both team leads approved)."""
    from zhiban.org.models import PersonKind

    from .conftest import _person

    c = roster
    guard = _person("baoan", c["team_a"], job=c["operator"])  # an operator by job type, a guard by kind
    guard.kind = PersonKind.GUARD
    guard.save(update_fields=["kind"])
    state = _state()
    with pytest.raises(RuleViolationError) as error:
        services.swap_request(actor=c["wang"].user, duty=c.token(c["wang"], dec(7), "early"), colleague=guard)
    assert refused(error) == ["ORG-03.outsider_never_on_duty"]
    assert error.value.messages == [
        "ORG-03 外单位人员、保安等不得担任值班人员 (service-center · default · 策略版本 1): "
        "baoan（保安）不得担任值班人员"
    ]
    assert _state() == state
    assert ask(c, "wang", 7, "zhao").status == "open"  # a colleague of the kind staff: asked


def test_swap_04_open_requests_are_shown_only_to_eligible_colleagues(roster: Centre) -> None:
    c = roster
    swap = ask(c, "wang", 7)
    assert selectors.open_board(user=c["fixer"].user) == []
    state = _state()
    with pytest.raises(PermissionDenied):
        services.swap_accept(actor=c["fixer"].user, swap=swap)
    assert _state() == state


# ------------------------------------------------------------------------------------ SWAP-05


def test_swap_05_the_team_lead_records_absence_for_both_with_their_shares(roster: Centre) -> None:
    c = roster
    swap = approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    events = AuditEvent.objects.count()
    absences = services.swap_responsibility_judge(
        actor=c["lead_a"].user, swap=swap, which="swapped", requester_share="0.7", colleague_share="0.3"
    )
    assert [(a.person, a.share, a.rule_id, a.date) for a in absences] == [
        (c["wang"], Decimal("0.7"), "SWAP-05", dec(7)),
        (c["li"], Decimal("0.3"), "SWAP-05", dec(7)),
    ]
    assert "按旷工处理" in absences[0].note
    assert AuditEvent.objects.count() == events + 1


def test_swap_05_shares_not_adding_up_to_100_percent_are_refused(roster: Centre) -> None:
    c = roster
    swap = approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    state = _state()
    with pytest.raises(ValidationError) as error:
        services.swap_responsibility_judge(
            actor=c["lead_a"].user, swap=swap, which="swapped", requester_share="0.7", colleague_share="0.31"
        )
    assert "share" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.swap_responsibility_judge(
            actor=c["zhao"].user, swap=swap, which="swapped", requester_share="0.5", colleague_share="0.5"
        )
    assert _state() == state


# ------------------------------------------------------------------------------------ SWAP-06


def test_swap_06_leave_on_a_swapped_or_returned_shift_is_refused(roster: Centre) -> None:
    c = roster
    approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    held = selectors.swapped_duties(c["li"], dec(1), dec(31))
    assert [(h.day, h.role) for h in held] == [(dec(7), "swapped")]
    assert [(h.day, h.role) for h in selectors.swapped_duties(c["wang"], dec(8), dec(8))] == [(dec(8), "returned")]
    assert selectors.swapped_duties(c["wang"], dec(9), dec(31)) == []
    with pytest.raises(RuleViolationError) as error:
        policy.enforce(unit=c["org"], rule_ids=["SWAP-06"], facts=selectors.leave_facts(c["wang"], dec(8), dec(9)))
    assert refused(error) == ["SWAP-06.no_leave_on_swapped_shift"]
    assert policy.evaluate(
        unit=c["org"], rule_ids=["SWAP-06"], facts=selectors.leave_facts(c["wang"], dec(9), dec(9))
    ).ok


# ------------------------------------------------------------------------------------ SWAP-07


def test_swap_07_a_holiday_shift_is_never_swapped(roster: Centre) -> None:
    c = roster
    c.holiday(dec(7))
    state = _state()
    with pytest.raises(RuleViolationError) as error:
        ask(c, "wang", 7, "li")
    assert refused(error) == ["SWAP-07.no_holiday_swap"]
    assert _state() == state
    c.holiday(dec(8))
    with pytest.raises(RuleViolationError) as error:
        ask(c, "wang", 11, "li", back=8)  # the return on a holiday: refused too
    assert refused(error) == ["SWAP-07.no_holiday_swap"]


# ------------------------------------------------------------------------------------ SWAP-08


def test_swap_08_a_worked_return_settles_the_debt_the_day_after(roster: Centre) -> None:
    c = roster
    swap = approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    debt = swap.debt
    c["travel"].move_to(dt.datetime(2026, 12, 8, 9, 0, tzinfo=NOW_TZ))
    assert services.debt_check(debt=debt).status == SwapDebt.Status.OPEN  # not yet worked
    c["travel"].move_to(dt.datetime(2026, 12, 9, 9, 0, tzinfo=NOW_TZ))
    assert services.debt_check(debt=debt).status == SwapDebt.Status.SETTLED


def test_swap_08_a_return_not_worked_stays_open_as_missed(roster: Centre) -> None:
    c = roster
    swap = approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    c["period"].refresh_from_db()
    move = duty_changes.DutyMove(c["period"], dec(8), c["shifts"]["early"], "duty_officer", c["wang"], c["zhao"])
    duty_changes.duties_move(actor=None, moves=[move], channel="leave", reason="病假")
    c["travel"].move_to(dt.datetime(2026, 12, 9, 9, 0, tzinfo=NOW_TZ))
    debt = services.debt_check(debt=swap.debt)
    assert (debt.status, debt.missed_on) == (SwapDebt.Status.OPEN, dec(9))
    services.swap_responsibility_judge(
        actor=c["lead_b"].user, swap=swap, which="return", requester_share="1", colleague_share="0"
    )
    debt.refresh_from_db()
    assert debt.status == SwapDebt.Status.JUDGED


def test_swap_08_an_unscheduled_return_is_reminded_after_14_days_and_settled_by_a_return_swap(roster: Centre) -> None:
    from zhiban.notify.models import OutboxMessage

    c = roster
    swap = approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li")))
    debt = swap.debt
    assert debt.return_day is None
    c["travel"].move_to(dt.datetime(2026, 12, 3, 9, 0, tzinfo=NOW_TZ))  # opened 20 Nov: 13 days
    sent = OutboxMessage.objects.count()
    services.debt_check(debt=debt)
    assert OutboxMessage.objects.count() == sent
    c["travel"].move_to(dt.datetime(2026, 12, 4, 9, 0, tzinfo=NOW_TZ))
    services.debt_check(debt=debt)
    assert OutboxMessage.objects.filter(subject__contains="还班提醒").exists()
    back = services.swap_request(
        actor=c["li"].user, duty=c.token(c["li"], dec(10), "early"), colleague=c["wang"], return_for=debt
    )
    back = approve_both(c, services.swap_accept(actor=c["wang"].user, swap=back))
    debt.refresh_from_db()
    assert (debt.return_day, holder(c, 10)) == (dec(10), "wang")
    assert selectors.swapped_duties(c["wang"], dec(10), dec(10))[0].role == "returned"
    c["travel"].move_to(dt.datetime(2026, 12, 11, 9, 0, tzinfo=NOW_TZ))
    assert services.debt_check(debt=debt).status == SwapDebt.Status.SETTLED


def test_swap_published_duties_only(roster: Centre) -> None:
    c = roster
    assert duties.duty_of(c["period"], dec(7), c["shifts"]["early"], "duty_officer", c["wang"]) is not None
