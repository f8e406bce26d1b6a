"""Duty points (值班积分) per day kind and shift, as ROS-04 (`zhiban.policy.rules.ros_04`) and the pack's parameters
say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from zhiban.calendar import selectors as calendar_selectors
from zhiban.org.models import Unit
from zhiban.policy.rules import cal_02, ros_04
from zhiban.roster import selectors
from zhiban.roster.models import ShiftType

DEFAULTS = ros_04.DEFAULT_POINTS


@dataclass(frozen=True)
class PointTable:
    """Points of one duty: by the kind of day, plus a bonus for a night shift."""

    weekday: float = DEFAULTS["weekday"]
    weekend: float = DEFAULTS["weekend"]
    holiday: float = DEFAULTS["holiday"]
    night: float = DEFAULTS["night"]

    def of(self, kind: str, night: bool) -> float:
        return float(getattr(self, kind)) + (self.night if night else 0.0)


def is_night(shift: ShiftType) -> bool:
    """A night shift (夜班), as the pack's shift type says."""
    return shift.is_night


def point_table(unit: Unit) -> PointTable:
    """The points of the pack's ROS-04 parameters (the defaults where the pack has no ROS-04)."""
    return PointTable(**ros_04.points(ros_04_params(unit)))


def ros_04_params(unit: Unit) -> dict[str, Any]:
    _, params = selectors.rule_parameters(unit, [ros_04.RULE_ID])
    return params.get(ros_04.RULE_ID, {})


def solver_kinds(start: dt.date, end: dt.date, unit: Unit | None = None) -> dict[dt.date, str]:
    """weekday / weekend / holiday (the point table's keys) for each date, from the one day-kind function
    (`selectors.day_kinds`: with `unit`, as its pack sees days; without, the state calendar alone)."""
    if unit is None:
        return {
            fact.day: ros_04.SOLVER_KIND[cal_02.duty_day_kind(fact, {})]
            for fact in calendar_selectors.day_facts(start, end)
        }
    return {day: ros_04.SOLVER_KIND[kind] for day, kind in selectors.day_kinds(unit, start, end).items()}
