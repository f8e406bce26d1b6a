"""LEAVE-07 — personal leave filed by the person; sick leave may be filed by someone else (P7 请假 四)."""

from zhiban.policy.engine import evaluate
from zhiban.policy.rules.leave_07 import filed_by_self

from ._leave_facts import leave, policy


def test_leave_07_sick_leave_filed_by_someone_else_passes_personal_leave_is_refused() -> None:
    assert filed_by_self(leave(kind="sick", filed_by_self=False, filer_name="班长"), {}) == []
    assert filed_by_self(leave(kind="personal", filed_by_self=True), {}) == []
    (finding,) = filed_by_self(leave(kind="personal", filed_by_self=False, filer_name="班长"), {})
    assert finding.rule_id == "LEAVE-07"
    assert finding.message_zh == "事假必须由王五本人办理，班长不得代请（病假除外）"


def test_leave_07_refusal_cites_the_clause() -> None:
    outcome = evaluate(policy("service-center"), ["LEAVE-07"], leave(filed_by_self=False, filer_name="班长"))
    (violation,) = outcome.violations
    assert violation.code == "LEAVE-07.filed_by_self"
    assert violation.citation.clause == "客服部请假制度汇编 四"
