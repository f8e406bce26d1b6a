"""LEAVE-06 — step by step: no skipping a level, no cross-requests (service centre, P7 请假 三)."""

from zhiban.policy.engine import evaluate
from zhiban.policy.rules.leave_06 import StepAttempt, level_by_level

from ._leave_facts import policy

SERVICE = policy("service-center")


def test_leave_06_the_current_level_decides_and_the_next_level_is_refused() -> None:
    assert level_by_level(StepAttempt("王五", "李主任", current_level=1, approver_levels=(1,)), {}) == []
    (finding,) = level_by_level(StepAttempt("王五", "张主任", current_level=1, approver_levels=(2,)), {})
    assert finding.rule_id == "LEAVE-06"
    assert finding.message_zh == "请假须逐级审批：第1级尚未审批，张主任不能越级审批第2级"


def test_leave_06_skipping_a_level_is_refused_citing_the_clause() -> None:
    outcome = evaluate(SERVICE, ["LEAVE-06"], StepAttempt("王五", "张主任", current_level=1, approver_levels=(2,)))
    (violation,) = outcome.violations
    assert violation.code == "LEAVE-06.level_by_level"
    assert violation.citation.clause == "客服部请假制度汇编 三"


def test_leave_06_an_approver_outside_the_line_is_refused_as_a_cross_request() -> None:
    (finding,) = level_by_level(StepAttempt("王五", "外部门主任", 1, (1,), in_line=False), {})
    assert finding.details == {"reason": "cross"}


def test_leave_06_an_approver_of_no_level_is_left_to_the_permission_check() -> None:
    assert level_by_level(StepAttempt("王五", "路人", current_level=1, approver_levels=()), {}) == []
