"""ROS-07 and ROS-08 rule modules: pure functions at their limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhiban.policy.findings import Severity
from zhiban.policy.rules import ros_07, ros_08

DEFAULTS = {"credited_duties": ("weekend", "holiday"), "same_month": True, "expires_at_month_end": False}
RATES = {"rate_weekend": 100.0, "rate_holiday": 200.0, "rate_after_hours": 50.0}


def test_ros_07_rest_day_and_holiday_duties_credit_a_workday_duty_does_not() -> None:
    assert ros_07.credit_days("rest_day", "duty", DEFAULTS) == Decimal("1")
    assert ros_07.credit_days("holiday", "duty", DEFAULTS) == Decimal("1")
    assert ros_07.credit_days("workday", "duty", DEFAULTS) == Decimal("0")
    assert ros_07.credit_days("workday", "after_hours", DEFAULTS) == Decimal("0")


def test_ros_07_the_pack_chooses_the_credited_duties() -> None:
    params = {**DEFAULTS, "credited_duties": ("after_hours", "night")}
    assert ros_07.credited_category("workday", "after_hours", params) == "after_hours"
    assert ros_07.credited_category("rest_day", "night", params) == "night"
    assert ros_07.credited_category("rest_day", "day", params) is None
    with pytest.raises(ValueError, match="unknown day kind"):
        ros_07.duty_categories("someday", "duty")


def _month_end(today: dt.date) -> ros_07.MonthEnd:
    return ros_07.MonthEnd(
        today,
        (
            ros_07.OpenCredit("张三", dt.date(2026, 12, 5), Decimal("1")),
            ros_07.OpenCredit("张三", dt.date(2026, 12, 31), Decimal("0.5")),
            ros_07.OpenCredit("李四", dt.date(2027, 1, 1), Decimal("1")),  # this month: not yet due
        ),
    )


def test_ros_07_month_end_flags_on_the_first_not_on_the_second() -> None:
    findings = ros_07.rest_in_month(_month_end(dt.date(2027, 1, 1)), DEFAULTS)
    assert [(f.severity, f.details["person"], f.details["open_days"]) for f in findings] == [
        (Severity.WARN, "张三", "1.5")
    ]
    assert "2026年12月" in findings[0].message_zh
    assert "作废" not in findings[0].message_zh
    assert ros_07.rest_in_month(_month_end(dt.date(2027, 1, 2)), DEFAULTS) == []
    assert ros_07.rest_in_month(_month_end(dt.date(2026, 12, 31)), DEFAULTS) == []


def test_ros_07_expiry_only_where_the_pack_says_so() -> None:
    assert not ros_07.expires(DEFAULTS)
    assert ros_07.expires({**DEFAULTS, "expires_at_month_end": True})
    findings = ros_07.rest_in_month(_month_end(dt.date(2027, 1, 1)), {**DEFAULTS, "expires_at_month_end": True})
    assert "作废" in findings[0].message_zh


def test_ros_07_balance_at_the_limit_and_just_past() -> None:
    assert ros_07.within_balance(ros_07.RestBalance("张三", Decimal("2"), Decimal("2")), DEFAULTS) == []
    (refusal,) = ros_07.within_balance(ros_07.RestBalance("张三", Decimal("2.5"), Decimal("2")), DEFAULTS)
    assert refusal.refuses
    assert refusal.rule_id == "ROS-07"


def test_ros_07_arrangement_is_recorded_for_the_secretariat() -> None:
    (finding,) = ros_07.filed_with_secretariat(
        ros_07.RestArrangement("张三", dt.date(2026, 12, 10), Decimal("1")), DEFAULTS
    )
    assert finding.severity is Severity.RECORD
    assert "秘书处备案" in finding.message_zh


def test_ros_08_rate_per_category() -> None:
    assert ros_08.allowance_category("workday", "after_hours", RATES) == "after_hours"
    assert ros_08.allowance_category("rest_day", "rest_day", RATES) == "weekend"
    assert ros_08.allowance_category("holiday", "rest_day", RATES) == "holiday"
    assert ros_08.rate("weekend", RATES) == Decimal("100.00")
    assert ros_08.rate("weekday", RATES) == Decimal("0.00")  # no rate set: nothing, never an error
    (finding,) = ros_08.allowance_per_duty(ros_08.Duty("张三", dt.date(2026, 12, 5), "rest_day", "rest_day"), RATES)
    assert finding.details["amount"] == "100.00"


def test_ros_08_report_totals() -> None:
    duties = [
        ros_08.Duty("张三", dt.date(2026, 12, 3), "workday", "after_hours"),
        ros_08.Duty("张三", dt.date(2026, 12, 5), "rest_day", "rest_day"),
        ros_08.Duty("李四", dt.date(2026, 12, 6), "rest_day", "rest_day"),
        ros_08.Duty("李四", dt.date(2027, 1, 1), "holiday", "rest_day"),
    ]
    report = ros_08.report(duties, RATES)
    assert report.categories == ("after_hours", "weekend", "holiday")
    assert [(r.person_name, r.total) for r in report.rows] == [("张三", Decimal("150.00")), ("李四", Decimal("300.00"))]
    assert report.total == Decimal("450.00")
    assert report.counts == {"after_hours": 1, "weekend": 2, "holiday": 1}
    (finding,) = ros_08.monthly_report(ros_08.MonthDuties("维修公司", dt.date(2026, 12, 1), tuple(duties)), RATES)
    assert finding.severity is Severity.REPORT
    assert finding.details["total"] == "450.00"


def test_ros_08_two_people_of_the_same_name_are_two_rows() -> None:
    duties = [
        ros_08.Duty("张三", dt.date(2026, 12, 5), "rest_day", "rest_day", "per_1"),
        ros_08.Duty("张三", dt.date(2026, 12, 6), "rest_day", "rest_day", "per_2"),
    ]
    report = ros_08.report(duties, RATES)
    assert [(r.person_name, r.total) for r in report.rows] == [("张三", Decimal("100.00")), ("张三", Decimal("100.00"))]
