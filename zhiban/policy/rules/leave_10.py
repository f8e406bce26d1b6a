"""LEAVE-10 — no leave on public holidays, except extraordinary cases asked `exception_days_ahead` days
ahead and approved by management (P7 请假 七). The exception path is the only way to leave a holiday
shift (swaps of holiday shifts are never allowed, SWAP-07). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.leave_01 import LeaveFacts

RULE_ID = "LEAVE-10"


def _dates(days: tuple[dt.date, ...]) -> str:
    return "、".join(f"{d:%Y-%m-%d}" for d in days)


def holiday_leave_refused(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """Leave that hits a public-holiday duty is refused unless asked through the exception path."""
    if not facts.holiday_duty_days or facts.holiday_exception:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"节假日不允许请假（{_dates(facts.holiday_duty_days)}为节假日班次），极特殊情况须走例外申请",
            f"no leave on public holidays ({_dates(facts.holiday_duty_days)}); "
            "only an extraordinary case through the exception path",
            {"holiday_days": [d.isoformat() for d in facts.holiday_duty_days]},
        )
    ]


def exception_path(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """The exception is asked `exception_days_ahead` days before the first holiday duty it hits
    (management's approval is a level of its chain)."""
    if not facts.holiday_duty_days or not facts.holiday_exception:
        return []
    limit = int(params["exception_days_ahead"])
    first = min(facts.holiday_duty_days)
    ahead = (first - facts.filed_at.date()).days
    if ahead >= limit:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"节假日请假例外须提前{limit}天提出，{first:%Y-%m-%d}的申请仅提前{max(ahead, 0)}天",
            f"a holiday exception is asked {limit} days ahead; the request for {first:%Y-%m-%d} is "
            f"{max(ahead, 0)} day(s) ahead",
            {"exception_days_ahead": limit, "days_ahead": ahead},
        )
    ]


CHECKS = {"holiday_leave_refused": holiday_leave_refused, "exception_path": exception_path}
