"""LEAVE-05 — apply ahead (maintenance 2 days, P2 二.3; service centre the day before / an hour before the
shift, P7 请假 二); a late request needs a manager's approval, otherwise it is absence (旷工)."""

import datetime as dt

from zhiban.policy.engine import evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.rules.leave_05 import (
    LateApproval,
    LeaveLapse,
    apply_ahead,
    is_late,
    late_request_needs_manager,
    unapproved_is_absence,
)

from ._leave_facts import at, leave, policy

MAINTENANCE = policy("maintenance")
SERVICE = policy("service-center")


def test_leave_05_maintenance_two_days_ahead_passes_and_one_day_is_refused() -> None:
    params = MAINTENANCE.parameters("LEAVE-05")
    assert apply_ahead(leave(filed_at=at(8, 23, 59)), params) == []
    (finding,) = apply_ahead(leave(filed_at=at(9, 0, 0)), params)
    assert finding.rule_id == "LEAVE-05"
    assert finding.refuses
    assert finding.message_zh == "请假须提前2天申请，本次仅提前1天"


def test_leave_05_maintenance_late_request_is_refused_citing_the_clause() -> None:
    """P2 二.3 says 必须提前2天 and gives no late path: enforce, not a warning (issue 11 item 8)."""
    assert evaluate(MAINTENANCE, ["LEAVE-05"], leave(filed_at=at(8, 23, 59))).ok
    outcome = evaluate(MAINTENANCE, ["LEAVE-05"], leave(filed_at=at(9)))
    assert not outcome.warnings
    (violation,) = outcome.violations
    assert violation.code == "LEAVE-05.apply_ahead"
    assert (violation.citation.source, violation.citation.clause) == ("P2", "二.3")
    assert "必须提前2天" in violation.citation.text.zh


def test_leave_05_service_center_personal_leave_the_day_before_is_on_time_the_same_day_late() -> None:
    params = SERVICE.parameters("LEAVE-05")
    assert not is_late(leave(filed_at=at(9, 23, 59)), params)
    assert is_late(leave(filed_at=at(10, 0, 0)), params)


def test_leave_05_service_center_special_leave_an_hour_before_the_shift() -> None:
    params = SERVICE.parameters("LEAVE-05")
    shift = at(10, 8)
    assert not is_late(leave(special=True, first_duty_starts_at=shift, filed_at=at(10, 7)), params)
    assert is_late(leave(special=True, first_duty_starts_at=shift, filed_at=at(10, 7, 1)), params)
    assert is_late(leave(kind="sick", first_duty_starts_at=shift, filed_at=at(10, 7, 1)), params)


def test_leave_05_late_request_without_a_manager_is_refused_citing_the_clause() -> None:
    assert late_request_needs_manager(LateApproval("王五", "personal", late=True, manager_approved=True), {}) == []
    assert late_request_needs_manager(LateApproval("王五", "personal", late=False, manager_approved=False), {}) == []
    outcome = evaluate(SERVICE, ["LEAVE-05"], LateApproval("王五", "personal", late=True, manager_approved=False))
    (violation,) = outcome.violations
    assert violation.code == "LEAVE-05.late_request_needs_manager"
    assert "一般事假提前1天、特殊事假班前1小时" in violation.finding.message_zh
    assert violation.citation.clause == "客服部请假制度汇编 二"


def test_leave_05_late_request_not_approved_when_the_leave_starts_is_recorded_as_absence() -> None:
    start = at(10, 8)
    assert (
        unapproved_is_absence(LeaveLapse("王五", "personal", True, start, start - dt.timedelta(minutes=1), False), {})
        == []
    )
    (finding,) = unapproved_is_absence(LeaveLapse("王五", "personal", True, start, start, False), {})
    assert finding.severity is Severity.RECORD
    assert "旷工" in finding.message_zh
    assert unapproved_is_absence(LeaveLapse("王五", "personal", True, start, start, True), {}) == []
    assert unapproved_is_absence(LeaveLapse("王五", "personal", False, start, start, False), {}) == []
