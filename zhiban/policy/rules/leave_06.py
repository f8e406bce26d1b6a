"""LEAVE-06 — leave is approved level by level: no skipping a level, no cross-requests (P7 请假 三).

Checked before an approver decides: the approver must hold the level that waits now (not a later
one), and must be in the requester's own line (not another department's approver). Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "LEAVE-06"


@dataclass(frozen=True)
class StepAttempt:
    """`approver_name` tries to decide `person_name`'s request. `current_level` is the level waiting now
    (None when none waits); `approver_levels` the levels of the chain the approver may decide;
    `in_line` whether the approver's role covers the requester's unit."""

    person_name: str
    approver_name: str
    current_level: int | None
    approver_levels: tuple[int, ...]
    in_line: bool = True


def level_by_level(facts: StepAttempt, params: Mapping[str, Any]) -> list[Finding]:
    """Refuse deciding a later level before the current one, and deciding from outside the line."""
    if not facts.in_line:
        return [
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{facts.approver_name}不是{facts.person_name}的上级，不得交叉审批请假",
                f"{facts.approver_name} is not in {facts.person_name}'s line; no cross-requests",
                {"reason": "cross"},
            )
        ]
    if facts.current_level is None or not facts.approver_levels:
        return []
    if facts.current_level in facts.approver_levels:
        return []
    later = min(level for level in facts.approver_levels)
    if later <= facts.current_level:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"请假须逐级审批：第{facts.current_level}级尚未审批，{facts.approver_name}不能越级审批第{later}级",
            f"leave is approved level by level: level {facts.current_level} has not decided yet; "
            f"{facts.approver_name} may not skip to level {later}",
            {"reason": "skip", "current_level": facts.current_level, "level": later},
        )
    ]


CHECKS = {"level_by_level": level_by_level}
