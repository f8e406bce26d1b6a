"""ORG-02 — roles from the texts, each held at a unit of a fitting kind; a person may hold several."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules._labels import ROLES, UNIT_KINDS, en, zh

RULE_ID = "ORG-02"


def parameter_for(role: str) -> str:
    """The parameter listing the unit kinds a role may be held at: `station_head` → `station_head_at`."""
    return f"{role}_at"


@dataclass(frozen=True)
class RolePlacement:
    """A role about to be given to a person, scoped to a unit of `unit_kind`."""

    person_name: str
    role: str
    unit_kind: str
    unit_name: str = ""


def role_fits_unit(facts: RolePlacement, params: Mapping[str, Any]) -> list[Finding]:
    """A station head at a station, a team lead at a team or station, a department head at a department."""
    parameter = parameter_for(facts.role)
    if parameter not in params:
        return [
            Finding(
                rule_id=RULE_ID,
                severity=Severity.ENFORCE,
                message_zh=f"未知角色「{facts.role}」",
                message_en=f"unknown role {facts.role!r}",
                details={"role": facts.role},
            )
        ]
    allowed = params[parameter]
    if facts.unit_kind in allowed:
        return []
    kinds_zh = "、".join(zh(UNIT_KINDS, kind) for kind in allowed) or "无"
    kinds_en = ", ".join(en(UNIT_KINDS, kind) for kind in allowed) or "none"
    return [
        Finding(
            rule_id=RULE_ID,
            severity=Severity.ENFORCE,
            message_zh=(
                f"{facts.person_name}不能在{zh(UNIT_KINDS, facts.unit_kind)}「{facts.unit_name}」担任"
                f"{zh(ROLES, facts.role)}（只能设在：{kinds_zh}）"
            ),
            message_en=(
                f"{facts.person_name} cannot be {en(ROLES, facts.role)} at the "
                f"{en(UNIT_KINDS, facts.unit_kind)} {facts.unit_name} (only at: {kinds_en})"
            ),
            details={"role": facts.role, "unit_kind": facts.unit_kind, "allowed": list(allowed)},
        )
    ]


CHECKS = {"role_fits_unit": role_fits_unit}
