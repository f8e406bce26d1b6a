"""LEAVE-04 — no two people of one station on leave at the same time (maintenance, P2 二.2)."""

from zhiban.policy.engine import evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.rules.leave_04 import (
    OtherLeave,
    StationLeave,
    most_at_once,
    station_overlap_on_approval,
    station_overlap_on_filing,
)

from ._leave_facts import at, policy

MAINTENANCE = policy("maintenance")
PARAMS = MAINTENANCE.parameters("LEAVE-04")


def mine(stage: str, approved: tuple[OtherLeave, ...] = (), pending: tuple[OtherLeave, ...] = ()) -> StationLeave:
    return StationLeave("王五", "城东维护站", at(10), at(12), stage, approved, pending)


def test_leave_04_leave_ending_when_mine_starts_does_not_overlap_and_a_minute_more_does() -> None:
    touching = OtherLeave("赵六", at(8), at(10))
    assert station_overlap_on_approval(mine("approval", (touching,)), PARAMS) == []
    overlapping = OtherLeave("赵六", at(8), at(10, 9, 1))
    (finding,) = station_overlap_on_approval(mine("approval", (overlapping,)), PARAMS)
    assert finding.rule_id == "LEAVE-04"
    assert finding.message_zh == "城东维护站同时请假不得超过1人：赵六已获准同期请假"


def test_leave_04_refuses_second_person_of_station_on_leave_citing_the_clause() -> None:
    outcome = evaluate(MAINTENANCE, ["LEAVE-04"], mine("approval", (OtherLeave("赵六", at(11), at(13)),)))
    (violation,) = outcome.violations
    assert violation.code == "LEAVE-04.station_overlap_on_approval"
    assert violation.citation.clause == "二.2"


def test_leave_04_limit_two_allows_a_second_and_refuses_a_third_at_once() -> None:
    two = {"max_on_leave": 2}
    one_other = (OtherLeave("赵六", at(11), at(13)),)
    assert station_overlap_on_approval(mine("approval", one_other), two) == []
    two_others = (*one_other, OtherLeave("钱七", at(11, 12), at(11, 14)))
    (finding,) = station_overlap_on_approval(mine("approval", two_others), two)
    assert finding.details["at_once"] == 3


def test_leave_04_two_others_one_after_the_other_are_never_at_once() -> None:
    others = (OtherLeave("赵六", at(10), at(11)), OtherLeave("钱七", at(11), at(12)))
    assert most_at_once(mine("approval"), others) == 2


def test_leave_04_filing_while_an_overlapping_request_is_pending_warns_not_refuses() -> None:
    facts = mine("filing", pending=(OtherLeave("赵六", at(11), at(13)),))
    (finding,) = station_overlap_on_filing(facts, PARAMS)
    assert finding.severity is Severity.WARN
    outcome = evaluate(MAINTENANCE, ["LEAVE-04"], facts)
    assert outcome.ok
    assert [w.code for w in outcome.warnings] == ["LEAVE-04.station_overlap_on_filing"]
    assert station_overlap_on_filing(mine("filing"), PARAMS) == []


def test_leave_04_pending_requests_do_not_refuse_an_approval() -> None:
    assert station_overlap_on_approval(mine("approval", pending=(OtherLeave("赵六", at(11), at(13)),)), PARAMS) == []
