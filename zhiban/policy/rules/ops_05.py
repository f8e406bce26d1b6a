"""OPS-05 — the daily report: during holiday periods (or every day where `holidays_only` is off) the officer on duty
over `window_start`–`window_end` sends the day's report before `due` (P1 九, a holiday notice); a reminder at the
window's start, escalation to the leader on duty at `due`, and a missed report is recorded. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-05"


@dataclass(frozen=True)
class DailyReport:
    """The day's report at `now`: its day, whether the day is in a holiday period, and when it was sent."""

    day: dt.date
    holiday_period: bool
    sent_at: dt.datetime | None
    now: dt.datetime


def is_report_day(holiday_period: bool, params: Mapping[str, Any]) -> bool:
    return holiday_period or not params["holidays_only"]


def window(day: dt.date, tz: dt.tzinfo, params: Mapping[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    """The slot whose officer sends the report."""
    start: dt.time = params["window_start"]
    end: dt.time = params["window_end"]
    return dt.datetime.combine(day, start, tzinfo=tz), dt.datetime.combine(day, end, tzinfo=tz)


def reminder_at(day: dt.date, tz: dt.tzinfo, params: Mapping[str, Any]) -> dt.datetime:
    return window(day, tz, params)[0]


def due_at(day: dt.date, tz: dt.tzinfo, params: Mapping[str, Any]) -> dt.datetime:
    due: dt.time = params["due"]
    return dt.datetime.combine(day, due, tzinfo=tz)


def daily_report_due(facts: DailyReport, params: Mapping[str, Any]) -> list[Finding]:
    if not is_report_day(facts.holiday_period, params) or facts.sent_at is not None:
        return []
    tz = facts.now.tzinfo or dt.UTC
    if facts.now < reminder_at(facts.day, tz, params):
        return []
    due = due_at(facts.day, tz, params)
    late = facts.now >= due
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"当日值班信息须在{due:%H:%M}前报送" + ("，已逾期" if late else ""),
            f"the day's report is due by {due:%H:%M}" + (" and is overdue" if late else ""),
            {"overdue": late},
        )
    ]


def missed_report(facts: DailyReport, params: Mapping[str, Any]) -> list[Finding]:
    if not is_report_day(facts.holiday_period, params):
        return []
    tz = facts.now.tzinfo or dt.UTC
    due = due_at(facts.day, tz, params)
    sent_late = facts.sent_at is not None and facts.sent_at > due
    if not sent_late and not (facts.sent_at is None and facts.now >= due):
        return []
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.day.month}月{facts.day.day}日值班信息" + ("逾时报送" if sent_late else "逾期未报"),
            f"the report of {facts.day:%Y-%m-%d} was " + ("late" if sent_late else "missed"),
            {"late": sent_late},
        )
    ]


CHECKS = {"daily_report_due": daily_report_due, "missed_report": missed_report}
