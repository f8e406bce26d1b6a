"""OPS-01 — check-in on arrival (到岗): the duty time range, the leader on duty and the duty staff are recorded when
the officer arrives (P1 三, P3 五.1); no check-in `late_after` past the start escalates to the leader on duty and the
department head (the texts give no minutes: the pack's default). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-01"
ENGLISH = {"带班领导": "leader on duty", "值班人员": "duty staff"}


@dataclass(frozen=True)
class CheckIn:
    """An officer checking in: the shift's time range and who the roster names for it."""

    person_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    checked_in_at: dt.datetime
    leader_names: tuple[str, ...]
    staff_names: tuple[str, ...]
    needs_leader: bool


@dataclass(frozen=True)
class MissingCheckIn:
    """A rostered officer not checked in at `now`."""

    person_name: str
    starts_at: dt.datetime
    now: dt.datetime


def escalate_at(starts_at: dt.datetime, params: Mapping[str, Any]) -> dt.datetime:
    """When a missing check-in escalates: `late_after` past the shift's start."""
    late_after: dt.timedelta = params["late_after"]
    return starts_at + late_after


def _hm(moment: dt.datetime) -> str:
    return f"{moment:%H:%M}"


def check_in_record(facts: CheckIn, params: Mapping[str, Any]) -> list[Finding]:
    """A check-in names the leader on duty (when the shift has one) and the duty staff; the time range comes from the
    shift itself."""
    missing = []
    if facts.needs_leader and not facts.leader_names:
        missing.append("带班领导")
    if not facts.staff_names:
        missing.append("值班人员")
    if missing:
        return [
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"到岗登记须写明{'、'.join(missing)}",
                "check-in must name the " + " and ".join(ENGLISH[m] for m in missing),
                {"missing": missing},
            )
        ]
    return []


def late_check_in(facts: MissingCheckIn, params: Mapping[str, Any]) -> list[Finding]:
    """A rostered officer not checked in `late_after` past the start is passed up."""
    due = escalate_at(facts.starts_at, params)
    if facts.now < due:
        return []
    minutes = int((facts.now - facts.starts_at).total_seconds() // 60)
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"{facts.person_name}在值班开始{minutes}分钟后仍未到岗",
            f"{facts.person_name} has not checked in {minutes} minutes after the start",
            {"minutes": minutes},
        )
    ]


CHECKS = {"check_in_record": check_in_record, "late_check_in": late_check_in}
