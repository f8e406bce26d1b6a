"""ROS-02 — weekday blocks: one person holds the working days of a calendar week; rest days one each (P3 二.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "ROS-02"

WORKING_KINDS = frozenset({"workday", "makeup_workday"})  # a make-up workday (调休上班) is a working day


def weekday_blocks(days: Iterable[tuple[dt.date, str]]) -> list[tuple[dt.date, ...]]:
    """The weekday blocks of a period: the working days of each ISO calendar week, in date order.

    `days` are (date, kind) pairs, kind workday (make-up workdays included) / rest_day / holiday.
    A week with a make-up Saturday or Sunday gives a block of 6, a week with holidays a shorter
    one; a week cut by the period's start or end gives the working days inside the period; a week
    without a working day gives no block.
    """
    weeks: dict[tuple[int, int], list[dt.date]] = {}
    for day, kind in sorted(days):
        if kind in WORKING_KINDS:
            year, week, _ = day.isocalendar()
            weeks.setdefault((year, week), []).append(day)
    return [tuple(block) for _, block in sorted(weeks.items())]


@dataclass(frozen=True)
class WeekdayBlock:
    """A weekday block of a roster: its days, and who holds the block post on them as (day, person name)."""

    post_label: str
    days: tuple[dt.date, ...]
    duties: tuple[tuple[dt.date, str], ...]


def weekday_block(facts: WeekdayBlock, params: Mapping[str, Any]) -> list[Finding]:
    """One person holds the block post on every day of a weekday block (the pack sets the severity)."""
    inside = set(facts.days)
    people = sorted({person for day, person in facts.duties if day in inside})
    if len(people) <= 1:
        return []
    first, last = facts.days[0], facts.days[-1]
    return [
        Finding(
            RULE_ID,
            Severity.WARN,
            f"{first}至{last}的{facts.post_label}应由一人连续值班，现为{'、'.join(people)}",
            f"{facts.post_label} from {first} to {last} should be one person, not {', '.join(people)}",
            details={"days": [d.isoformat() for d in facts.days], "people": people},
        )
    ]


CHECKS = {"weekday_block": weekday_block}
