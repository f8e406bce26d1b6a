"""SWAP-08 — a swap creates a debt: the return shift (还班) is tracked until worked (a product default: P7
客服部换班制度 三、六 mention returns but do not say how they are tracked).

An unscheduled return is reminded once it has been open `remind_after_days`; a scheduled one the
day before it and on the day; a return whose day passed without the returner on duty stays open
and is reminded as missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SWAP-08"


@dataclass(frozen=True)
class OpenReturn:
    """An open return: who owes whom a shift for which swap, when it is scheduled (if it is), and today."""

    returner_name: str
    creditor_name: str
    swapped_label: str
    opened_on: dt.date
    today: dt.date
    return_label: str = ""
    return_day: dt.date | None = None
    missed: bool = False


def reminder_due(facts: OpenReturn, params: Mapping[str, Any]) -> bool:
    if facts.missed:
        return True
    if facts.return_day is None:
        return facts.today >= facts.opened_on + dt.timedelta(days=int(params["remind_after_days"]))
    return facts.return_day - dt.timedelta(days=1) <= facts.today <= facts.return_day


def next_check(facts: OpenReturn, params: Mapping[str, Any]) -> dt.date:
    """The next day the reminder job should look at this return again (a missed one: every `remind_after_days`)."""
    if facts.missed:
        return facts.today + dt.timedelta(days=int(params["remind_after_days"]))
    if facts.return_day is None:
        first = facts.opened_on + dt.timedelta(days=int(params["remind_after_days"]))
        return max(first, facts.today + dt.timedelta(days=1))
    eve = facts.return_day - dt.timedelta(days=1)
    return eve if facts.today < eve else facts.today + dt.timedelta(days=1)


def return_tracked(facts: OpenReturn, params: Mapping[str, Any]) -> list[Finding]:
    """The reminder text for a return that is due (nothing otherwise)."""
    if not reminder_due(facts, params):
        return []
    who = f"{facts.returner_name}欠{facts.creditor_name}的还班（换班{facts.swapped_label}）"
    who_en = f"{facts.returner_name} owes {facts.creditor_name} a return shift (swap of {facts.swapped_label})"
    if facts.missed:
        zh, en = f"{who}在{facts.return_label}未完成", f"{who_en} was not worked on {facts.return_label}"
    elif facts.return_day is None:
        days = (facts.today - facts.opened_on).days
        zh, en = f"{who}已{days}天未安排", f"{who_en} has not been scheduled for {days} days"
    else:
        zh, en = f"{who}安排在{facts.return_label}", f"{who_en} is due on {facts.return_label}"
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            zh,
            en,
            {"returner": facts.returner_name, "creditor": facts.creditor_name, "missed": facts.missed},
        )
    ]


CHECKS = {"return_tracked": return_tracked}
