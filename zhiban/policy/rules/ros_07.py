"""ROS-07 — compensatory rest (补休) after duty: which duties credit rest, how much, and the month-end flag.

P3 二.3: 值班后由各处根据工作自行安排补休，原则上补休应在当月安排，不累积，并报秘书处备案。 "In
principle" means warn: rest not taken by the end of the month is flagged to the department and the
secretariat on the first day of the next month; it expires only where the pack says so. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "ROS-07"

# source: default — the pack's credited_duties default (rest-day and holiday duties).
DEFAULT_CREDITED = ("weekend", "holiday")
# source: default — P3 names no amount: one day of rest for one duty.
DEFAULT_DAYS_PER_DUTY = Decimal("1")
DAY_KIND_CATEGORY = {"workday": "weekday", "rest_day": "weekend", "holiday": "holiday"}
SHIFT_CATEGORIES = ("after_hours", "day", "night")


def duty_categories(day_kind: str, shift_code: str) -> tuple[str, ...]:
    """The categories a duty belongs to, as the packs' choices name them: its day's kind (weekday,
    weekend, holiday) and, for shifts so named, the shift (after_hours, day, night)."""
    try:
        categories = [DAY_KIND_CATEGORY[day_kind]]
    except KeyError:
        raise ValueError(f"unknown day kind {day_kind!r}") from None
    if shift_code in SHIFT_CATEGORIES:
        categories.append(shift_code)
    return tuple(categories)


def credited_category(day_kind: str, shift_code: str, params: Mapping[str, Any]) -> str | None:
    """The category under which a duty credits rest, or None when the pack says it credits none."""
    credited = tuple(params.get("credited_duties", DEFAULT_CREDITED))
    return next((c for c in duty_categories(day_kind, shift_code) if c in credited), None)


def credit_days(day_kind: str, shift_code: str, params: Mapping[str, Any]) -> Decimal:
    """Days of rest one duty earns: the pack's amount per duty when its category is credited, else 0."""
    if credited_category(day_kind, shift_code, params) is None:
        return Decimal("0")
    return Decimal(str(params.get("days_per_duty", DEFAULT_DAYS_PER_DUTY)))


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month before `today`'s."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def is_month_end_run(today: dt.date) -> bool:
    """The month-end check acts on the first day of a month only."""
    return today.day == 1


def expires(params: Mapping[str, Any]) -> bool:
    return bool(params.get("expires_at_month_end", False))


@dataclass(frozen=True)
class OpenCredit:
    """Rest credited by one duty and not yet taken (open days > 0)."""

    person_name: str
    duty_date: dt.date
    open_days: Decimal


@dataclass(frozen=True)
class MonthEnd:
    """The open credits of an organisation on a given day (the check reads the previous month's)."""

    today: dt.date
    credits: tuple[OpenCredit, ...]


def due(facts: MonthEnd) -> list[OpenCredit]:
    """Open credits of the previous month, on the first day of a month; else none."""
    if not is_month_end_run(facts.today):
        return []
    first, last = previous_month(facts.today)
    return [c for c in facts.credits if first <= c.duty_date <= last and c.open_days > 0]


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}"


def rest_in_month(facts: MonthEnd, params: Mapping[str, Any]) -> list[Finding]:
    """On the 1st, one warning per person with rest of the previous month not taken (never silent)."""
    if not params.get("same_month", True):
        return []
    per_person: dict[str, Decimal] = defaultdict(Decimal)
    for credit in due(facts):
        per_person[credit.person_name] += credit.open_days
    first, _ = previous_month(facts.today)
    action_zh = "，已按规定作废" if expires(params) else ""
    action_en = "; it expires as the pack says" if expires(params) else ""
    return [
        Finding(
            RULE_ID,
            Severity.WARN,
            f"{name}{first.year}年{first.month}月值班补休尚有{_days(days)}天未安排{action_zh}",
            f"{name} has {_days(days)} day(s) of compensatory rest from {first:%Y-%m} not taken{action_en}",
            {"person": name, "month": f"{first:%Y-%m}", "open_days": _days(days)},
        )
        for name, days in sorted(per_person.items())
    ]


@dataclass(frozen=True)
class RestArrangement:
    """Rest taken by a person on a day, as the department arranged it."""

    person_name: str
    day: dt.date
    days: Decimal


def filed_with_secretariat(facts: RestArrangement, params: Mapping[str, Any]) -> list[Finding]:
    """Every arrangement is recorded for the secretariat (报秘书处备案)."""
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.person_name}于{facts.day:%Y-%m-%d}补休{_days(facts.days)}天，报秘书处备案",
            f"{facts.person_name} takes {_days(facts.days)} day(s) of rest on {facts.day}, filed with the secretariat",
            {"person": facts.person_name, "day": facts.day.isoformat(), "days": _days(facts.days)},
        )
    ]


@dataclass(frozen=True)
class RestBalance:
    """Rest a person asks for or takes, against what their credits leave open."""

    person_name: str
    requested: Decimal
    open_days: Decimal


def within_balance(facts: RestBalance, params: Mapping[str, Any]) -> list[Finding]:
    """Rest is taken against credits (不累积: there is nothing else to take it from): more than the open balance is
    refused."""
    if facts.requested <= facts.open_days:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.person_name}可补休余额为{_days(facts.open_days)}天，不能补休{_days(facts.requested)}天",
            f"{facts.person_name} has {_days(facts.open_days)} day(s) of rest open; "
            f"{_days(facts.requested)} cannot be taken",
            {"person": facts.person_name, "requested": _days(facts.requested), "open": _days(facts.open_days)},
        )
    ]


def total_open(credits: Iterable[OpenCredit]) -> Decimal:
    return sum((c.open_days for c in credits), Decimal("0"))


CHECKS = {
    "rest_in_month": rest_in_month,
    "filed_with_secretariat": filed_with_secretariat,
    "within_balance": within_balance,
}
