"""LEAVE-01 — ask before leaving; cancel the leave (消假) on return (P2 二.1、二.3; default elsewhere)."""

import pytest

from zhiban.policy.engine import evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.packs import builtin_packs
from zhiban.policy.rules.leave_01 import LeaveReturn, ask_before_leaving, cancel_on_return

from ._leave_facts import at, leave, policy


def test_leave_01_asked_at_the_start_passes_and_a_minute_later_is_refused() -> None:
    assert ask_before_leaving(leave(filed_at=at(10)), {}) == []
    (finding,) = ask_before_leaving(leave(filed_at=at(10, 9, 1)), {})
    assert finding.rule_id == "LEAVE-01"
    assert finding.message_zh == "请假须在假期开始（2026-12-10 09:00）前提出，现在已是2026-12-10 09:01"


def test_leave_01_an_emergency_phoned_before_the_start_counts_as_asked() -> None:
    phoned = leave(kind="sick", emergency=True, phoned_at=at(10, 9), filed_at=at(10, 11))
    assert ask_before_leaving(phoned, {}) == []
    phoned_late = leave(kind="sick", emergency=True, phoned_at=at(10, 9, 1), filed_at=at(10, 11))
    assert [f.rule_id for f in ask_before_leaving(phoned_late, {})] == ["LEAVE-01"]


@pytest.mark.parametrize("pack_id", sorted(builtin_packs()))
def test_leave_01_every_pack_refuses_leave_asked_after_it_started_citing_its_source(pack_id: str) -> None:
    outcome = evaluate(policy(pack_id), ["LEAVE-01"], leave(filed_at=at(10, 10)))
    (violation,) = outcome.violations
    assert violation.code == "LEAVE-01.ask_before_leaving"
    assert violation.citation.pack_id == pack_id
    expected_source = "P2" if pack_id == "maintenance" else "P7" if pack_id == "service-center" else "default"
    assert violation.citation.source == expected_source


def test_leave_01_reminds_to_cancel_from_the_end_of_the_leave_until_cancelled() -> None:
    ends = at(11, 17)
    assert cancel_on_return(LeaveReturn("王五", ends, now=at(11, 16, 59), returned=False), {}) == []
    (reminder,) = cancel_on_return(LeaveReturn("王五", ends, now=ends, returned=False), {})
    assert reminder.severity is Severity.REMIND
    assert reminder.message_zh == "王五的假期已于2026-12-11 17:00结束，请及时销假"
    assert cancel_on_return(LeaveReturn("王五", ends, now=at(12), returned=True), {}) == []


def test_leave_01_reminder_is_a_remind_finding_in_the_engine() -> None:
    outcome = evaluate(policy("maintenance"), ["LEAVE-01"], LeaveReturn("王五", at(11), now=at(12), returned=False))
    assert outcome.ok
    assert [n.code for n in outcome.notes] == ["LEAVE-01.cancel_on_return"]
