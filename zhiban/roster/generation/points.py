"""Duty points (值班积分) per day kind and shift: the defaults, or the pack's ROS-04 parameters where it has them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zhiban.calendar import selectors as calendar_selectors
from zhiban.org.models import Unit
from zhiban.roster import selectors
from zhiban.roster.models import ShiftType

# Solver day kinds (the keys of the point table) for the roster's calendar kinds.
SOLVER_KIND = {"workday": "weekday", "rest_day": "weekend", "holiday": "holiday"}
DEFAULTS = {"weekday": 1.0, "weekend": 1.5, "holiday": 3.0, "night": 0.5}
PACK_KEYS = {
    "weekday": "points_weekday",
    "weekend": "points_weekend",
    "holiday": "points_holiday",
    "night": "points_night",
}


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
    """The pack's ROS-04 point parameters where it declares them, else the defaults."""
    _, params = selectors.rule_parameters(unit, ["ROS-04"])
    ros04 = params.get("ROS-04", {})
    values = {name: float(ros04.get(key, DEFAULTS[name])) for name, key in PACK_KEYS.items()}
    return PointTable(**values)


def solver_kinds(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """weekday / weekend / holiday for each date (CAL-02 facts from the calendar)."""
    kinds = {}
    for fact in calendar_selectors.day_facts(start, end):
        if fact.is_working_day:
            kinds[fact.day] = "weekday"
        else:
            kinds[fact.day] = "holiday" if fact.holiday_name else "weekend"
    return kinds
