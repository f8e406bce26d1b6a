"""OPS-08 — spot checks (查岗): superiors check by phone or on site that the officer is at the post (P3 五.1); the
system also issues presence challenges that must be answered within `ack_within`; a miss escalates and is recorded as
an absence from the post (OPS-02). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-08"


@dataclass(frozen=True)
class Challenge:
    """A presence challenge to `person_name` issued at `issued_at`, answered at `answered_at` (or not) by `now`."""

    person_name: str
    issued_at: dt.datetime
    answered_at: dt.datetime | None
    now: dt.datetime


def answer_by(issued_at: dt.datetime, params: Mapping[str, Any]) -> dt.datetime:
    within: dt.timedelta = params["ack_within"]
    return issued_at + within


def is_missed(facts: Challenge, params: Mapping[str, Any]) -> bool:
    due = answer_by(facts.issued_at, params)
    if facts.answered_at is not None:
        return facts.answered_at > due
    return facts.now >= due


def presence_challenge(facts: Challenge, params: Mapping[str, Any]) -> list[Finding]:
    if facts.answered_at is not None or not is_missed(facts, params):
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"{facts.person_name}未在{answer_by(facts.issued_at, params):%H:%M}前应答在岗确认",
            f"{facts.person_name} did not answer the presence check in time",
        )
    ]


def missed_challenge(facts: Challenge, params: Mapping[str, Any]) -> list[Finding]:
    if not is_missed(facts, params):
        return []
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"查岗：{facts.person_name}{facts.issued_at:%H:%M}的在岗确认"
            + ("应答逾时" if facts.answered_at else "未应答"),
            f"spot check of {facts.person_name} at {facts.issued_at:%H:%M} "
            + ("answered late" if facts.answered_at else "missed"),
        )
    ]


CHECKS = {"presence_challenge": presence_challenge, "missed_challenge": missed_challenge}
