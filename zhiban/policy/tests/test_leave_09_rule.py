"""LEAVE-09 — no leave on a night shift in principle; exceptions asked before 12:00 that day (P7 请假 六)."""

import datetime as dt

from zhiban.policy.engine import evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.rules.leave_09 import deadline, exception_deadline, night_shift_exception

from ._leave_facts import at, leave, policy

SERVICE = policy("service-center")
PARAMS = SERVICE.parameters("LEAVE-09")
NIGHT = (dt.date(2026, 12, 10),)


def test_leave_09_night_shift_leave_asked_at_noon_passes_and_a_minute_later_is_refused() -> None:
    assert exception_deadline(leave(night_duty_days=NIGHT, filed_at=at(10, 12)), PARAMS) == []
    (finding,) = exception_deadline(leave(night_duty_days=NIGHT, filed_at=at(10, 12, 1)), PARAMS)
    assert finding.rule_id == "LEAVE-09"
    assert finding.message_zh == "夜班请假须在当日12:00前提出，2026-12-10夜班的申请已逾时（提出于2026-12-10 12:01）"


def test_leave_09_night_shift_leave_warns_and_after_the_deadline_is_refused_citing_the_clause() -> None:
    on_time = evaluate(SERVICE, ["LEAVE-09"], leave(night_duty_days=NIGHT, filed_at=at(9)))
    assert on_time.ok
    assert [w.code for w in on_time.warnings] == ["LEAVE-09.night_shift_exception"]
    late = evaluate(SERVICE, ["LEAVE-09"], leave(night_duty_days=NIGHT, filed_at=at(10, 13)))
    assert [v.code for v in late.violations] == ["LEAVE-09.exception_deadline"]
    assert late.violations[0].citation.clause == "客服部请假制度汇编 六"


def test_leave_09_leave_without_night_shifts_is_silent() -> None:
    assert night_shift_exception(leave(), PARAMS) == []
    (warning,) = night_shift_exception(leave(night_duty_days=NIGHT), PARAMS)
    assert warning.severity is Severity.WARN


def test_leave_09_that_day_is_the_day_the_night_shift_begins() -> None:
    midnight = at(10, 0)  # a night shift from 00:00 of the 10th begins the evening of the 9th
    assert deadline(midnight, PARAMS["exception_before"]) == at(9, 12)
    assert deadline(at(10, 20), PARAMS["exception_before"]) == at(10, 12)
    facts = {"night_duty_days": NIGHT, "night_duty_starts": (midnight,)}
    assert exception_deadline(leave(filed_at=at(9, 12), **facts), PARAMS) == []
    (finding,) = exception_deadline(leave(filed_at=at(9, 12, 1), **facts), PARAMS)
    assert finding.details["late_days"] == ["2026-12-10"]
