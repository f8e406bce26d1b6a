"""SWAP-06 — no leave on a swapped or returned shift; an absence on one anyway counts as 旷工 (P7 客服部换班制度 六).

Leave services build `LeaveOnSwappedShift` from `zhiban.swaps.selectors.swapped_duties(person, start, end)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SWAP-06"

ROLES = {"swapped": ("换班", "swapped"), "returned": ("还班", "returned")}


@dataclass(frozen=True)
class SwappedDuty:
    """A shift a person works because of a swap: `swapped` (taken over) or `returned` (还班)."""

    label: str
    day: dt.date
    role: str


@dataclass(frozen=True)
class LeaveOnSwappedShift:
    """A leave request of a person from `start` to `end` (inclusive), and their swapped or returned shifts."""

    person_name: str
    start: dt.date
    end: dt.date
    swapped: tuple[SwappedDuty, ...]


def no_leave_on_swapped_shift(facts: LeaveOnSwappedShift, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses leave covering any swapped or returned shift of the person."""
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.person_name}的{duty.label}是{ROLES.get(duty.role, ROLES['swapped'])[0]}班次，不得请假"
            "（否则按旷工处理）",
            f"{facts.person_name}'s {duty.label} is a {ROLES.get(duty.role, ROLES['swapped'])[1]} shift; no leave may "
            "be taken on it (an absence counts as 旷工)",
            {"person": facts.person_name, "day": duty.day.isoformat(), "role": duty.role},
        )
        for duty in facts.swapped
        if facts.start <= duty.day <= facts.end
    ]


@dataclass(frozen=True)
class AbsenceOnSwappedShift:
    """A person absent anyway from a swapped or returned shift."""

    person_name: str
    duty: SwappedDuty


def absence_recorded(facts: AbsenceOnSwappedShift, params: Mapping[str, Any]) -> list[Finding]:
    """Records the absence as 旷工."""
    role_zh, role_en = ROLES.get(facts.duty.role, ROLES["swapped"])
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.person_name}未上{role_zh}班次{facts.duty.label}，按旷工处理",
            f"{facts.person_name} missed the {role_en} shift {facts.duty.label}; recorded as absence (旷工)",
            {"person": facts.person_name, "day": facts.duty.day.isoformat(), "role": facts.duty.role},
        )
    ]


CHECKS = {"no_leave_on_swapped_shift": no_leave_on_swapped_shift, "absence_recorded": absence_recorded}
