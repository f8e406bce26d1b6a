"""LEAVE-09 — in principle no leave on a night shift; an exception is asked before `exception_before`
on the day of the shift and approved by management (P7 请假 六). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.leave_01 import LeaveFacts

RULE_ID = "LEAVE-09"


def _dates(days: tuple[dt.date, ...]) -> str:
    return "、".join(f"{d:%Y-%m-%d}" for d in days)


def night_shift_exception(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """Leave that hits a night shift warns: no leave in principle, management must approve the exception."""
    if not facts.night_duty_days:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.WARN,
            f"原则上夜班不允许请假（{_dates(facts.night_duty_days)}夜班），特殊情况须经管理人员批准",
            f"no leave on a night shift in principle ({_dates(facts.night_duty_days)}); "
            "an exception needs management's approval",
            {"night_days": [d.isoformat() for d in facts.night_duty_days]},
        )
    ]


def deadline(starts_at: dt.datetime, cutoff: dt.time) -> dt.datetime:
    """ "That day" of a night shift is the day it begins in the evening: the last `cutoff` before the shift
    starts (a 20:00 shift of the 10th: 10th 12:00; a shift from 00:00 of the 10th: 9th 12:00)."""
    same_day = dt.datetime.combine(starts_at.date(), cutoff, tzinfo=starts_at.tzinfo)
    return same_day if same_day < starts_at else same_day - dt.timedelta(days=1)


def _deadlines(facts: LeaveFacts, cutoff: dt.time) -> list[tuple[dt.date, dt.datetime]]:
    if facts.night_duty_starts:
        return [(start.date(), deadline(start, cutoff)) for start in sorted(facts.night_duty_starts)]
    tz = facts.filed_at.tzinfo  # only the days are known: the cutoff on the day itself
    return [(day, dt.datetime.combine(day, cutoff, tzinfo=tz)) for day in facts.night_duty_days]


def exception_deadline(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """A night-shift exception asked after `exception_before` on the day of the shift is refused."""
    cutoff: dt.time = params["exception_before"]
    late = sorted({day for day, by in _deadlines(facts, cutoff) if facts.filed_at > by})
    if not late:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"夜班请假须在当日{cutoff:%H:%M}前提出，{_dates(tuple(late))}夜班的申请已逾时"
            f"（提出于{facts.filed_at:%Y-%m-%d %H:%M}）",
            f"leave from a night shift is asked before {cutoff:%H:%M} that day; the request for "
            f"{_dates(tuple(late))} comes too late ({facts.filed_at:%Y-%m-%d %H:%M})",
            {"exception_before": f"{cutoff:%H:%M}", "late_days": [d.isoformat() for d in late]},
        )
    ]


CHECKS = {"night_shift_exception": night_shift_exception, "exception_deadline": exception_deadline}
