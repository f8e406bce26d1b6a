"""LEAVE-02 — one leave at most 7 calendar days (maintenance, P2 二.2)."""

from zhiban.policy.engine import evaluate
from zhiban.policy.rules.leave_02 import max_length

from ._leave_facts import leave, policy

MAINTENANCE = policy("maintenance")


def test_leave_02_seven_calendar_days_pass_and_eight_are_refused() -> None:
    params = MAINTENANCE.parameters("LEAVE-02")
    assert max_length(leave(calendar_days=7), params) == []
    (finding,) = max_length(leave(calendar_days=8), params)
    assert finding.rule_id == "LEAVE-02"
    assert finding.message_zh == "每次假期不得超过7天，本次请假共8天（日历日）"
    assert finding.message_en == "one leave is at most 7 days; this one is 8 calendar days"


def test_leave_02_refusal_cites_the_clause_and_follows_the_parameter() -> None:
    outcome = evaluate(MAINTENANCE, ["LEAVE-02"], leave(calendar_days=8))
    (violation,) = outcome.violations
    assert violation.code == "LEAVE-02.max_length"
    assert violation.citation.clause == "二.2"
    assert max_length(leave(calendar_days=8), {"max_days": 8}) == []


def test_leave_02_packs_silent_on_length_do_not_refuse() -> None:
    outcome = evaluate(policy("bureau"), ["LEAVE-02"], leave(calendar_days=30))
    assert outcome.ok
    assert outcome.not_declared == ("LEAVE-02",)
