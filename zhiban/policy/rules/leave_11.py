"""LEAVE-11 — late by `late_minutes` or more without leave, or away from the post `away_minutes` or more, is a
disciplinary record (P7 请假 八). Built from check-in (OPS-01) and absence (OPS-02) data. Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from zhiban.policy.findings import Finding, Severity

RULE_ID = "LEAVE-11"

LATE: Literal["late"] = "late"
AWAY: Literal["away"] = "away"


@dataclass(frozen=True)
class Breach:
    """An officer `minutes` late (`kind="late"`) or away from the post (`kind="away"`); `excused` when approved
    leave covered the lateness or leave to step out was given."""

    person_name: str
    kind: Literal["late", "away"]
    minutes: int
    excused: bool = False


def limit(kind: str, params: Mapping[str, Any]) -> int:
    """Minutes that make a breach of this kind."""
    return int(params["late_minutes"] if kind == LATE else params["away_minutes"])


def is_breach(facts: Breach, params: Mapping[str, Any]) -> bool:
    return not facts.excused and facts.minutes >= limit(facts.kind, params)


def discipline_record(facts: Breach, params: Mapping[str, Any]) -> list[Finding]:
    """A breach at or past the limit is recorded in the discipline register."""
    if not is_breach(facts, params):
        return []
    what_zh, what_en = ("未请假迟到", "late without leave") if facts.kind == LATE else ("脱岗", "away from the post")
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.person_name}{what_zh}{facts.minutes}分钟（{limit(facts.kind, params)}分钟及以上按违纪处理）",
            f"{facts.person_name} was {what_en} for {facts.minutes} minutes",
            {"kind": facts.kind, "minutes": facts.minutes},
        )
    ]


CHECKS = {"discipline_record": discipline_record}
