"""OPS-02 — stay at the post; leaving it without permission is recorded (P1 二, P2 第四条/第九条, P4 第四条), with
the pack's `sanction` where the text names one (P2 第九条: 擅离职守记大过). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-02"

SANCTIONS = {"record": "记录在案", "warning": "警告", "demerit": "记过", "major_demerit": "记大过"}
# source: default — packs whose text names no sanction only record the absence.
DEFAULT_SANCTION = "record"


@dataclass(frozen=True)
class PostAbsence:
    """An officer found away from the post: when, for how long (None while still away), and whether permitted."""

    person_name: str
    left_at: dt.datetime
    minutes: int | None
    permitted: bool
    found_by: str


def sanction(params: Mapping[str, Any]) -> str:
    """The sanction recorded for leaving the post without permission."""
    return str(params.get("sanction", DEFAULT_SANCTION))


def absence_recorded(facts: PostAbsence, params: Mapping[str, Any]) -> list[Finding]:
    if facts.permitted:
        return []
    length = f"{facts.minutes}分钟" if facts.minutes is not None else "（未归）"
    chosen = sanction(params)
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.found_by}发现{facts.person_name}于{facts.left_at:%H:%M}擅离岗位{length}，处理：{SANCTIONS[chosen]}",
            f"{facts.person_name} left the post without permission at {facts.left_at:%H:%M}; sanction: {chosen}",
            {"sanction": chosen, "minutes": facts.minutes},
        )
    ]


CHECKS = {"absence_recorded": absence_recorded}
