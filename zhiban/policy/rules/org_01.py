"""ORG-01 — units nest: organisation → department (处室/科室) → station (维护站) or team (班组)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules._labels import UNIT_KINDS, en, zh

RULE_ID = "ORG-01"

# The parameter that lists the kinds allowed under a parent of each kind (None: the top level).
PARAMETER_FOR_PARENT = {
    None: "top_level_kinds",
    "organisation": "under_organisation",
    "department": "under_department",
    "station": "under_station",
    "team": "under_team",
}


@dataclass(frozen=True)
class UnitPlacement:
    """A unit about to be created or moved: its kind and its parent's kind (None at the top)."""

    unit_name: str
    unit_kind: str
    parent_kind: str | None
    parent_name: str = ""


def allowed_nesting(facts: UnitPlacement, params: Mapping[str, Any]) -> list[Finding]:
    """The unit's kind must be one the pack allows under its parent's kind."""
    parameter = PARAMETER_FOR_PARENT.get(facts.parent_kind)
    allowed = params[parameter] if parameter else ()
    if facts.unit_kind in allowed:
        return []
    if facts.parent_kind is None:
        where_zh, where_en = "最上层", "the top level"
    else:
        where_zh = f"{zh(UNIT_KINDS, facts.parent_kind)}「{facts.parent_name}」之下"
        where_en = f"under the {en(UNIT_KINDS, facts.parent_kind)} {facts.parent_name}"
    return [
        Finding(
            rule_id=RULE_ID,
            severity=Severity.ENFORCE,
            message_zh=f"{zh(UNIT_KINDS, facts.unit_kind)}「{facts.unit_name}」不能设在{where_zh}",
            message_en=f"a {en(UNIT_KINDS, facts.unit_kind)} ({facts.unit_name}) cannot be placed {where_en}",
            details={
                "unit_kind": facts.unit_kind,
                "parent_kind": facts.parent_kind,
                "allowed": list(allowed),
            },
        )
    ]


CHECKS = {"allowed_nesting": allowed_nesting}
