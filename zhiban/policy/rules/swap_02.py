"""SWAP-02 — at most `max_per_month` swaps per person a month (P7 客服部换班制度 三).

A swap counts once for each of its two people, in the month of the swapped shift; its return (还班)
belongs to the same swap and does not count again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SWAP-02"


def month_of(day: dt.date) -> dt.date:
    """The month a swap counts in: the first day of its swapped shift's month."""
    return day.replace(day=1)


def count_in_month(swapped_shift_days: Iterable[dt.date], month: dt.date) -> int:
    """How many of a person's swaps (given by the days of their swapped shifts) count in `month`."""
    first = month_of(month)
    return sum(1 for day in swapped_shift_days if month_of(day) == first)


@dataclass(frozen=True)
class MonthlySwaps:
    """One side of a proposed swap: the person, the month it counts in, and their other swaps counted there."""

    person_name: str
    month: dt.date
    earlier: int


def monthly_limit(facts: MonthlySwaps, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses a swap that would make the person's count in the month exceed the limit."""
    limit = int(params["max_per_month"])
    if facts.earlier + 1 <= limit:
        return []
    month = month_of(facts.month)
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.person_name}{month.year}年{month.month}月已换班{facts.earlier}次，每人每月不得超过{limit}次",
            f"{facts.person_name} already has {facts.earlier} swap(s) in {month:%Y-%m}; at most {limit} a month",
            {"person": facts.person_name, "month": f"{month:%Y-%m}", "earlier": facts.earlier, "limit": limit},
        )
    ]


CHECKS = {"monthly_limit": monthly_limit}
