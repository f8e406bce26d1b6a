"""SWAP-07 — staff on a holiday shift may not swap it (P7 客服部换班制度 九); their leave goes through LEAVE-10."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SWAP-07"

HOLIDAY = "holiday"


@dataclass(frozen=True)
class SwapShift:
    """A shift a swap would move, with the kind of its day (workday / rest_day / holiday)."""

    label: str
    day: dt.date
    day_kind: str


@dataclass(frozen=True)
class HolidaySwap:
    """The shifts a proposed swap moves: the swapped one and, when scheduled, the return."""

    shifts: tuple[SwapShift, ...]


def no_holiday_swap(facts: HolidaySwap, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses every swap touching a public-holiday shift."""
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{shift.label}是节假日班次，节假日当班人员不允许换班",
            f"{shift.label} is a public-holiday shift; holiday shifts cannot be swapped",
            {"day": shift.day.isoformat()},
        )
        for shift in facts.shifts
        if shift.day_kind == HOLIDAY
    ]


CHECKS = {"no_holiday_swap": no_holiday_swap}
