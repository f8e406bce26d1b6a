"""ROS-08 — duty allowance (值班津贴): each duty earns the rate of its category; a monthly report per unit.

P2 第十一条: 本公司员工值班可领取值班津贴，其标准另定。 The rates are the pack's parameters
(`rate_<category>`, e.g. `rate_weekend`); where the text says "另定" they are defaults set by the
organisation. A duty's category is its day's kind (weekday, weekend, holiday) or, for a working-day
shift so named, the shift (after_hours) — the first of them the pack has a rate for. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.ros_07 import duty_categories

RULE_ID = "ROS-08"

CATEGORY_LABELS = {
    "weekday": "工作日值班",
    "after_hours": "工作日下班后值班",
    "weekend": "周末值班",
    "holiday": "节假日值班",
    "day": "日班",
    "night": "夜班",
}
CATEGORY_ORDER = tuple(CATEGORY_LABELS)


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def rate_categories(params: Mapping[str, Any]) -> list[str]:
    """The categories the pack sets a rate for, in report order."""
    named = [name.removeprefix("rate_") for name in params if name.startswith("rate_")]
    return sorted(named, key=lambda c: (CATEGORY_ORDER.index(c) if c in CATEGORY_ORDER else len(CATEGORY_ORDER), c))


def allowance_category(day_kind: str, shift_code: str, params: Mapping[str, Any]) -> str:
    """The category a duty is paid under: the first of its categories with a rate, else its day's kind."""
    categories = duty_categories(day_kind, shift_code)
    return next((c for c in categories if f"rate_{c}" in params), categories[0])


def rate(category: str, params: Mapping[str, Any]) -> Decimal:
    """Yuan per duty of the category (0 where the pack sets none)."""
    return _money(params.get(f"rate_{category}", 0))


@dataclass(frozen=True)
class Duty:
    """One duty a person held in a published roster."""

    person_name: str
    day: dt.date
    day_kind: str
    shift_code: str
    person_key: str = ""  # tells apart two people of the same name


def allowance_per_duty(facts: Duty, params: Mapping[str, Any]) -> list[Finding]:
    """Records what the duty earns."""
    category = allowance_category(facts.day_kind, facts.shift_code, params)
    amount = rate(category, params)
    label = CATEGORY_LABELS.get(category, category)
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.person_name}{facts.day:%Y-%m-%d}{label}，津贴{amount}元",
            f"{facts.person_name}: {category} duty on {facts.day}, allowance {amount} yuan",
            {"person": facts.person_name, "day": facts.day.isoformat(), "category": category, "amount": str(amount)},
        )
    ]


@dataclass(frozen=True)
class PersonAllowance:
    """One row of the monthly report: duties per category, and the total in yuan."""

    person_name: str
    counts: Mapping[str, int]
    amounts: Mapping[str, Decimal]
    total: Decimal


@dataclass(frozen=True)
class AllowanceReport:
    categories: tuple[str, ...]
    rates: Mapping[str, Decimal]
    rows: tuple[PersonAllowance, ...]
    counts: Mapping[str, int]
    total: Decimal


def report(duties: list[Duty], params: Mapping[str, Any]) -> AllowanceReport:
    """Per person (in name order), the duties by category, their allowance and the total."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for duty in duties:
        counts[(duty.person_name, duty.person_key)][allowance_category(duty.day_kind, duty.shift_code, params)] += 1
    categories = rate_categories(params)
    for per_person in counts.values():
        categories += [c for c in per_person if c not in categories]
    rates = {c: rate(c, params) for c in categories}
    rows = []
    for key in sorted(counts):
        amounts = {c: rates[c] * n for c, n in counts[key].items()}
        rows.append(PersonAllowance(key[0], dict(counts[key]), amounts, sum(amounts.values(), Decimal("0.00"))))
    column_counts = {c: sum(row.counts.get(c, 0) for row in rows) for c in categories}
    return AllowanceReport(
        tuple(categories), rates, tuple(rows), column_counts, sum((r.total for r in rows), Decimal("0.00"))
    )


@dataclass(frozen=True)
class MonthDuties:
    """A unit's duties in one month."""

    unit_name: str
    month: dt.date
    duties: tuple[Duty, ...]


def monthly_report(facts: MonthDuties, params: Mapping[str, Any]) -> list[Finding]:
    """Reports the month's total allowance of the unit."""
    result = report(list(facts.duties), params)
    return [
        Finding(
            RULE_ID,
            Severity.REPORT,
            f"{facts.unit_name}{facts.month.year}年{facts.month.month}月值班津贴合计{result.total}元",
            f"{facts.unit_name} duty allowance for {facts.month:%Y-%m}: {result.total} yuan",
            {"unit": facts.unit_name, "month": f"{facts.month:%Y-%m}", "total": str(result.total)},
        )
    ]


CHECKS = {"allowance_per_duty": allowance_per_duty, "monthly_report": monthly_report}
