"""SUB-02 — a substitute of the same department, approved by its head; never an outsider (P1 二)."""

import pytest

from zhiban.policy.engine import evaluate
from zhiban.policy.rules.sub_02 import SubstituteChoice, head_approves, same_department

from ._leave_facts import policy


def choice(department: str = "综合处", head_approved: bool | None = None) -> SubstituteChoice:
    return SubstituteChoice("王五", "赵六", "综合处", department, head_approved)


def test_sub_02_same_department_passes_and_another_department_is_refused() -> None:
    assert same_department(choice(), {"same_department_only": True}) == []
    (finding,) = same_department(choice("财务处"), {"same_department_only": True})
    assert finding.rule_id == "SUB-02"
    assert finding.message_zh == "只能由综合处人员顶替王五值班，赵六属财务处"
    assert same_department(choice("财务处"), {"same_department_only": False}) == []


@pytest.mark.parametrize("pack_id", ["bureau", "bureau-shifts"])
def test_sub_02_refuses_an_outsider_citing_the_clause(pack_id: str) -> None:
    outcome = evaluate(policy(pack_id), ["SUB-02"], choice("财务处"))
    (violation,) = outcome.violations
    assert violation.code == "SUB-02.same_department"
    assert violation.citation.clause == "二"


def test_sub_02_takes_effect_only_with_the_department_heads_consent() -> None:
    assert head_approves(choice(head_approved=None), {}) == []
    assert head_approves(choice(head_approved=True), {}) == []
    (finding,) = head_approves(choice(head_approved=False), {})
    assert finding.message_zh == "赵六顶替王五值班须经综合处负责人同意"
