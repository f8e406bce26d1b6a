"""OPS-11 — commendation and discipline: good handling is commended (P2 第八条), dereliction recorded and fed into the
assessment (P5 三.5). Each goes into the person's duty record. Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-11"

COMMENDATION = "commendation"
DERELICTION = "dereliction"


@dataclass(frozen=True)
class DutyMerit:
    """A commendation or a dereliction written by `recorded_by` about `person_name`."""

    person_name: str
    kind: str
    reason: str
    recorded_by: str
    is_self: bool


def _check(facts: DutyMerit) -> list[Finding]:
    if facts.is_self:
        return [Finding(RULE_ID, Severity.ENFORCE, "不能为本人记录嘉奖或失职", "nobody records a merit of their own")]
    if not facts.reason.strip():
        return [Finding(RULE_ID, Severity.ENFORCE, "须写明事由", "a reason is required")]
    return []


def dereliction_recorded(facts: DutyMerit, params: Mapping[str, Any]) -> list[Finding]:
    """Dereliction is recorded for the assessment (P5 三.5): by someone else, with its reason."""
    return _check(facts)


def commendation_and_discipline(facts: DutyMerit, params: Mapping[str, Any]) -> list[Finding]:
    """Commendations and sanctions alike (P2 第八条): by someone else, with the reason."""
    return _check(facts)


CHECKS = {"dereliction_recorded": dereliction_recorded, "commendation_and_discipline": commendation_and_discipline}
