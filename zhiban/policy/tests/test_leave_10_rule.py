"""LEAVE-10 — no leave on public holidays, except extraordinary cases asked 2 days ahead and approved by
management (P7 请假 七)."""

import datetime as dt

from zhiban.policy.engine import evaluate
from zhiban.policy.rules.leave_10 import exception_path, holiday_leave_refused

from ._leave_facts import at, leave, policy

SERVICE = policy("service-center")
PARAMS = SERVICE.parameters("LEAVE-10")
NEW_YEAR = (dt.date(2027, 1, 1),)


def test_leave_10_holiday_leave_outside_the_exception_path_is_refused_citing_the_clause() -> None:
    (finding,) = holiday_leave_refused(leave(holiday_duty_days=NEW_YEAR), PARAMS)
    assert finding.rule_id == "LEAVE-10"
    outcome = evaluate(SERVICE, ["LEAVE-10"], leave(holiday_duty_days=NEW_YEAR))
    assert [v.code for v in outcome.violations] == ["LEAVE-10.holiday_leave_refused"]
    assert outcome.violations[0].citation.clause == "客服部请假制度汇编 七"
    assert holiday_leave_refused(leave(), PARAMS) == []


def test_leave_10_exception_asked_two_days_ahead_passes_and_one_day_is_refused() -> None:
    two_ahead = leave(holiday_duty_days=NEW_YEAR, holiday_exception=True, filed_at=at(30, 23, 59))
    assert holiday_leave_refused(two_ahead, PARAMS) == []
    assert exception_path(two_ahead, PARAMS) == []
    one_ahead = leave(holiday_duty_days=NEW_YEAR, holiday_exception=True, filed_at=at(31, 0, 0))
    (finding,) = exception_path(one_ahead, PARAMS)
    assert finding.message_zh == "节假日请假例外须提前2天提出，2027-01-01的申请仅提前1天"
    outcome = evaluate(SERVICE, ["LEAVE-10"], one_ahead)
    assert [v.code for v in outcome.violations] == ["LEAVE-10.exception_path"]
