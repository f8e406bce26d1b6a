"""OPS-04 — incidents: handled within authority; beyond it the department head; major events and public emergencies
verified, reported to the leader on duty, handled as instructed and reported upward within `report_within` (P1 三:
1 hour; P2 第五/六条 and the maintenance text say "at once" — the pack's minutes). Severity `levels` come from the
pack; those in `report_levels` run the upward-report clock. Late, missed or concealed reports are recorded (P3 五.1).
Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-04"

# The steps every incident goes through, in order (P1 三: 核实 → 报告带班领导 → 按领导意见处理 → 向上级值班室报告).
STEPS = (
    ("verified", "核实情况", "verified"),
    ("leader_told", "报告带班领导", "reported to the leader on duty"),
    ("instructions", "按领导意见处理", "acted on instructions"),
    ("reported_upward", "向上级报告", "reported upward"),
)


@dataclass(frozen=True)
class IncidentClock:
    """An incident at `now`: its level, when it was logged and when (if) it was reported upward."""

    title: str
    level: str
    raised_at: dt.datetime
    reported_at: dt.datetime | None
    now: dt.datetime
    concealed: bool = False


def levels(params: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(params["levels"])


def runs_clock(level: str, params: Mapping[str, Any]) -> bool:
    """Does an incident of this level have to be reported upward within the time limit?"""
    return level in tuple(params["report_levels"])


def report_deadline_at(raised_at: dt.datetime, level: str, params: Mapping[str, Any]) -> dt.datetime | None:
    """When the upward report is due (None for levels handled within authority)."""
    if not runs_clock(level, params):
        return None
    within: dt.timedelta = params["report_within"]
    return raised_at + within


def reminder_at(raised_at: dt.datetime, level: str, params: Mapping[str, Any]) -> dt.datetime | None:
    """A reminder at two thirds of the time limit (the texts give none: one reminder well before the deadline)."""
    due = report_deadline_at(raised_at, level, params)
    return None if due is None else raised_at + (due - raised_at) * 2 / 3


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def report_deadline(facts: IncidentClock, params: Mapping[str, Any]) -> list[Finding]:
    """Past the deadline and not reported upward: escalate."""
    due = report_deadline_at(facts.raised_at, facts.level, params)
    if due is None or facts.reported_at is not None or facts.now < due:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"“{facts.title}”（{facts.level}）登记已{_minutes(facts.now - facts.raised_at)}分钟，"
            f"超过{_minutes(params['report_within'])}分钟仍未向上级报告",
            f"“{facts.title}” ({facts.level}) not reported upward {_minutes(facts.now - facts.raised_at)} minutes on",
            {"due": due.isoformat()},
        )
    ]


def late_report_recorded(facts: IncidentClock, params: Mapping[str, Any]) -> list[Finding]:
    """A report made after the deadline is late (迟报); none by the close of the incident is missed (漏报); one
    withheld on purpose is concealed (瞒报)."""
    if facts.concealed:
        kind, zh = "concealed", "瞒报"
    else:
        due = report_deadline_at(facts.raised_at, facts.level, params)
        if due is None:
            return []
        if facts.reported_at is not None:
            if facts.reported_at <= due:
                return []
            kind, zh = "late", f"迟报（晚{_minutes(facts.reported_at - due)}分钟）"
        elif facts.now >= due:
            kind, zh = "missed", "逾时未报"
        else:
            return []
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"“{facts.title}”{zh}",
            f"“{facts.title}” report {kind}",
            {"kind": kind},
        )
    ]


CHECKS = {"report_deadline": report_deadline, "late_report_recorded": late_report_recorded}
