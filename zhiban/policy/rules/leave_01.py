"""LEAVE-01 — ask for leave before leaving; cancel it (消假) on return (P2 二.1、二.3; default where silent).

Also the leave request as every LEAVE rule reads it (`LeaveFacts`) and the leave kinds. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "LEAVE-01"

# 事假, 病假, 年假, 公出/培训, 其他 — (zh, en) by the code the request stores.
KINDS: dict[str, tuple[str, str]] = {
    "personal": ("事假", "personal leave"),
    "sick": ("病假", "sick leave"),
    "annual": ("年假", "annual leave"),
    "business": ("公出/培训", "business trip / training"),
    "other": ("其他假", "other leave"),
}


def kind_zh(kind: str) -> str:
    return KINDS.get(kind, (kind, kind))[0]


def kind_en(kind: str) -> str:
    return KINDS.get(kind, (kind, kind))[1]


def days_text(days: Decimal | float) -> str:
    """`2`, `0.5`, `1.5` — days as offices write them."""
    return f"{Decimal(str(days)).normalize():f}"


@dataclass(frozen=True)
class LeaveFacts:
    """A leave request (请假) as the LEAVE rules read it. Times are aware and in the organisation's zone.

    `working_days` is the length in the person's working days (their duty days for shift workers,
    half days allowed); `calendar_days` counts every calendar day the leave touches. `night_duty_days`
    and `holiday_duty_days` are the days of the person's night and public-holiday duties it hits;
    `first_duty_starts_at` the start of the first duty it hits (None when it hits none);
    `night_duty_starts` the start of each night duty it hits (LEAVE-09 reads "that day" from it).
    """

    person_name: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    filed_at: dt.datetime
    calendar_days: int
    working_days: Decimal
    filed_by_self: bool = True
    filer_name: str = ""
    special: bool = False
    emergency: bool = False
    phoned_at: dt.datetime | None = None
    holiday_exception: bool = False
    first_duty_starts_at: dt.datetime | None = None
    night_duty_days: tuple[dt.date, ...] = ()
    holiday_duty_days: tuple[dt.date, ...] = ()
    night_duty_starts: tuple[dt.datetime, ...] = ()

    @property
    def label_zh(self) -> str:
        return f"{self.person_name}{kind_zh(self.kind)}{days_text(self.working_days)}天"

    @property
    def label_en(self) -> str:
        return f"{self.person_name}'s {kind_en(self.kind)} of {days_text(self.working_days)} day(s)"


@dataclass(frozen=True)
class LeaveReturn:
    """Where a leave stands at `now`: it ended at `ends_at`; `returned` once it was cancelled (消假)."""

    person_name: str
    ends_at: dt.datetime
    now: dt.datetime
    returned: bool


def ask_before_leaving(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """Leave is asked for before it starts; an emergency phoned in before the start counts as asked."""
    if facts.filed_at <= facts.starts_at:
        return []
    if facts.emergency and facts.phoned_at is not None and facts.phoned_at <= facts.starts_at:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"请假须在假期开始（{facts.starts_at:%Y-%m-%d %H:%M}）前提出，现在已是{facts.filed_at:%Y-%m-%d %H:%M}",
            f"leave is asked for before it starts ({facts.starts_at:%Y-%m-%d %H:%M}); "
            f"it is now {facts.filed_at:%Y-%m-%d %H:%M}",
            {"starts_at": facts.starts_at.isoformat(), "filed_at": facts.filed_at.isoformat()},
        )
    ]


def cancel_on_return(facts: LeaveReturn, params: Mapping[str, Any]) -> list[Finding]:
    """Once the leave has ended and is not cancelled, remind the person and the approver to cancel it."""
    if facts.returned or facts.now < facts.ends_at:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"{facts.person_name}的假期已于{facts.ends_at:%Y-%m-%d %H:%M}结束，请及时销假",
            f"{facts.person_name}'s leave ended at {facts.ends_at:%Y-%m-%d %H:%M}; cancel it (消假) now",
            {"ends_at": facts.ends_at.isoformat()},
        )
    ]


CHECKS = {"ask_before_leaving": ask_before_leaving, "cancel_on_return": cancel_on_return}
