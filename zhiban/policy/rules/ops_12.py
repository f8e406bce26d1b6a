"""OPS-12 — the duty checklist of each shift, its `items` from the pack: communication equipment and duty-room
facilities working (P1 四), guards and cleaners on post (P5 三.2), machine-room equipment safe (P5 三.3). Results go
into the handover and the shift report; every item is answered, and a failed item says what is wrong. Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-12"


@dataclass(frozen=True)
class ChecklistResult:
    """Answers by item: True (正常), False (异常, with a note)."""

    answers: Mapping[str, bool]
    notes: Mapping[str, str]


def items(params: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(params["items"])


def checklist(facts: ChecklistResult, params: Mapping[str, Any]) -> list[Finding]:
    wanted = items(params)
    unanswered = [item for item in wanted if item not in facts.answers]
    if unanswered:
        return [
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"检查清单尚有未填项目：{'、'.join(unanswered)}",
                f"checklist items not answered: {', '.join(unanswered)}",
                {"items": unanswered},
            )
        ]
    silent = [item for item in wanted if facts.answers[item] is False and not facts.notes.get(item, "").strip()]
    if silent:
        return [
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"异常项目须说明情况：{'、'.join(silent)}",
                f"say what is wrong with: {', '.join(silent)}",
                {"items": silent},
            )
        ]
    return []


def failed_items(facts: ChecklistResult, params: Mapping[str, Any]) -> list[str]:
    """The items found wrong, in the pack's order: they go into the handover and the shift report."""
    return [item for item in items(params) if facts.answers.get(item) is False]


CHECKS = {"checklist": checklist}
