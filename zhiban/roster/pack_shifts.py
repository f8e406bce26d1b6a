"""The shift types each pack describes (ROS-01 with CAL-02 work hours and CAL-03 seasons). Django-free."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

WORKDAY, REST_DAY, HOLIDAY = "workday", "rest_day", "holiday"
ALL_DAYS = (WORKDAY, REST_DAY, HOLIDAY)
OFF_DAYS = (REST_DAY, HOLIDAY)

Params = Mapping[str, Mapping[str, Any]]  # rule ID → parameter → value


@dataclass(frozen=True)
class ShiftSpec:
    """A shift type as the pack defines it; winter times equal summer ones when the pack has no seasons."""

    code: str
    name: str
    summer: tuple[dt.time, dt.time]
    winter: tuple[dt.time, dt.time]
    day_kinds: tuple[str, ...]
    officers: int = 1
    needs_leader: bool = False
    needs_driver: bool = False


def _time(value: Any, default: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value or default))


def _get(params: Params, rule: str, name: str, default: Any) -> Any:
    return params.get(rule, {}).get(name, default)


def _bureau(p: Params) -> list[ShiftSpec]:
    # P3 二.1–2: 9:00–17:00 in the office, then phone duty to the next morning; one person the whole day.
    start = _time(_get(p, "ROS-01", "office_start", None), "09:00")
    window = (start, start)
    return [
        ShiftSpec(
            "duty",
            "值班（坐班+电话值班）",
            window,
            window,
            ALL_DAYS,
            officers=int(_get(p, "ROS-01", "officers_per_shift", 1)),
            needs_leader=bool(_get(p, "ROS-01", "leader_on_duty", True)),
            needs_driver=bool(_get(p, "ROS-01", "standby_driver", True)),
        )
    ]


def _bureau_shifts(p: Params) -> list[ShiftSpec]:
    officers = int(_get(p, "ROS-01", "officers_per_shift", 1))
    work_start = _time(_get(p, "CAL-02", "work_start", None), "08:00")
    work_end = _time(_get(p, "CAL-02", "work_end", None), "17:30")

    def cal03(name: str, default: str) -> dt.time:
        return _time(_get(p, "CAL-03", name, None), default)

    return [
        ShiftSpec(
            "workday", "工作日值班（综合科）", (work_end, work_start), (work_end, work_start), (WORKDAY,), officers
        ),
        ShiftSpec(
            "day",
            "白班",
            (cal03("holiday_day_summer_start", "08:00"), cal03("holiday_day_summer_end", "20:00")),
            (cal03("holiday_day_winter_start", "08:00"), cal03("holiday_day_winter_end", "19:00")),
            OFF_DAYS,
            officers,
            needs_leader=True,
        ),
        ShiftSpec(
            "night",
            "夜班",
            (cal03("night_summer_start", "20:00"), cal03("night_summer_end", "08:00")),
            (cal03("night_winter_start", "19:00"), cal03("night_winter_end", "08:00")),
            OFF_DAYS,
            officers,
            needs_leader=True,
        ),
    ]


def _maintenance(p: Params) -> list[ShiftSpec]:
    officers = int(_get(p, "ROS-01", "officers_per_shift", 1))
    work_start = _time(_get(p, "CAL-02", "work_start", None), "08:30")
    work_end = _time(_get(p, "CAL-02", "work_end", None), "17:30")
    return [
        ShiftSpec("after_hours", "下班后值班", (work_end, work_start), (work_end, work_start), (WORKDAY,), officers),
        ShiftSpec("rest_day", "周末节假日值班", (work_start, work_start), (work_start, work_start), OFF_DAYS, officers),
    ]


def _company_shifts(p: Params) -> list[ShiftSpec]:
    officers = int(_get(p, "ROS-01", "officers_per_shift", 1))
    work_start = _time(_get(p, "CAL-02", "work_start", None), "08:00")
    work_end = _time(_get(p, "CAL-02", "work_end", None), "17:00")
    day = (
        _time(_get(p, "ROS-01", "rest_day_start", None), "08:00"),
        _time(_get(p, "ROS-01", "rest_day_end", None), "17:00"),
    )
    night = (
        _time(_get(p, "ROS-01", "night_start", None), "17:30"),
        _time(_get(p, "ROS-01", "night_end", None), "08:00"),
    )
    return [
        ShiftSpec("after_hours", "下班后值班", (work_end, work_start), (work_end, work_start), (WORKDAY,), officers),
        ShiftSpec("day", "日班", day, day, OFF_DAYS, officers),
        ShiftSpec("night", "夜班", night, night, OFF_DAYS, officers),
    ]


def _service_center(p: Params) -> list[ShiftSpec]:
    headcount = int(_get(p, "ROS-01", "min_headcount", 1))
    shifts = (
        ("early", "早班", "08:00", "16:00"),
        ("late", "中班", "16:00", "00:00"),
        ("night", "夜班", "00:00", "08:00"),
    )
    specs = []
    for code, name, start, end in shifts:
        window = (dt.time.fromisoformat(start), dt.time.fromisoformat(end))
        specs.append(ShiftSpec(code, name, window, window, ALL_DAYS, headcount))
    return specs


BUILDERS: dict[str, Callable[[Params], list[ShiftSpec]]] = {
    "bureau": _bureau,
    "bureau-shifts": _bureau_shifts,
    "maintenance": _maintenance,
    "company-shifts": _company_shifts,
    "service-center": _service_center,
}


def shift_specs(pack_id: str, params: Params) -> list[ShiftSpec]:
    """The shift types of a pack under the given parameters; ValueError for a pack with none."""
    try:
        builder = BUILDERS[pack_id]
    except KeyError:
        raise ValueError(f"pack {pack_id!r} describes no shift types") from None
    return builder(params)
