"""ROS-04 — a fair generated draft: points per kind of duty from the pack, the fairness window, and a warning when
duties of one kind are spread wider than the pack allows (at the limit and just past it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from zhiban.policy.findings import Severity
from zhiban.policy.rules import ros_04

PARAMS = {"max_spread": 1, "fairness_period": "year"}


def _spread(counts: Mapping[str, Mapping[str, float]]) -> ros_04.DutySpread:
    return ros_04.DutySpread("办公室", counts)


def test_ros_04_a_spread_at_the_limit_passes_and_one_more_warns() -> None:
    at_limit = {"甲": {"weekend": 3}, "乙": {"weekend": 2}, "丙": {"weekend": 2}}
    assert ros_04.balanced(_spread(at_limit), PARAMS) == []
    past = {"甲": {"weekend": 4}, "乙": {"weekend": 2}, "丙": {"weekend": 3}}
    (warning,) = ros_04.balanced(_spread(past), PARAMS)
    assert warning.severity is Severity.WARN
    assert warning.message_zh == "办公室周末值班分配不均：甲4次，乙2次，相差超过1次"
    assert warning.details["category"] == "weekend"


def test_ros_04_max_spread_is_the_pack_parameter() -> None:
    past = {"甲": {"night": 4}, "乙": {"night": 2}}
    assert len(ros_04.balanced(_spread(past), {"max_spread": 1})) == 1
    assert ros_04.balanced(_spread(past), {"max_spread": 2}) == []


def test_ros_04_one_person_is_never_uneven() -> None:
    assert ros_04.balanced(_spread({"甲": {"holiday": 9}}), PARAMS) == []


def test_ros_04_points_come_from_the_pack_and_default_otherwise() -> None:
    assert ros_04.points({}) == {"weekday": 1.0, "weekend": 1.5, "holiday": 3.0, "night": 0.5}
    params: dict[str, Any] = {"points_holiday": 4, "points_night": 0}
    assert ros_04.points(params) == {"weekday": 1.0, "weekend": 1.5, "holiday": 4.0, "night": 0.0}


def test_ros_04_the_fairness_window_is_the_month_quarter_or_year() -> None:
    start = dt.date(2026, 11, 16)
    assert ros_04.window_start(start, {"fairness_period": "month"}) == dt.date(2026, 11, 1)
    assert ros_04.window_start(start, {"fairness_period": "quarter"}) == dt.date(2026, 10, 1)
    assert ros_04.window_start(start, {"fairness_period": "year"}) == dt.date(2026, 1, 1)
    assert ros_04.window_start(dt.date(2026, 3, 31), {"fairness_period": "quarter"}) == dt.date(2026, 1, 1)
