"""SUB-01 — cover first: a change of duty takes effect only approved and with a substitute, who bears full
responsibility (P2 第十条, P1 二, P3 二.2)."""

import pytest

from zhiban.policy.engine import evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.rules.sub_01 import Substitution, reported_in_advance, substitute_approved, substitute_responsible

from ._leave_facts import at, policy

DUTY = "2026-12-10 白班 值班员"


def sub(substitute: str | None = "赵六", approved: bool = True, when: int = 9) -> Substitution:
    return Substitution("王五", substitute, DUTY, at(10, 8), approved, at(when))


def test_sub_01_an_approved_substitution_passes_and_records_who_bears_responsibility() -> None:
    assert substitute_approved(sub(), {}) == []
    (record,) = substitute_responsible(sub(), {})
    assert record.message_zh == "赵六顶替王五值2026-12-10 白班 值班员，由赵六承担全部值班责任"


def test_sub_01_no_substitute_or_no_approval_is_refused() -> None:
    (no_cover,) = substitute_approved(sub(substitute=None), {})
    assert no_cover.details["reason"] == "no_substitute"
    (unapproved,) = substitute_approved(sub(approved=False), {})
    assert unapproved.rule_id == "SUB-01"


@pytest.mark.parametrize("pack_id", ["bureau", "bureau-shifts", "company-shifts", "maintenance"])
def test_sub_01_every_pack_declaring_it_refuses_leave_without_cover(pack_id: str) -> None:
    outcome = evaluate(policy(pack_id), ["SUB-01"], sub(substitute=None))
    assert [v.code for v in outcome.violations] == ["SUB-01.substitute_approved"]


def test_sub_01_bureau_warns_when_the_secretariat_hears_after_the_duty_started() -> None:
    params = policy("bureau").parameters("SUB-01")
    at_start = Substitution("王五", "赵六", DUTY, at(10, 8), True, at(10, 8))
    assert reported_in_advance(at_start, params) == []
    (warning,) = reported_in_advance(Substitution("王五", "赵六", DUTY, at(10, 8), True, at(10, 8, 1)), params)
    assert warning.severity is Severity.WARN
    assert (
        reported_in_advance(
            Substitution("王五", "赵六", DUTY, at(10, 8), True, at(10, 9)), {"report_to_secretariat": False}
        )
        == []
    )
