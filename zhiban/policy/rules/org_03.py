"""ORG-03 — outsiders are never duty staff: guards, cleaners, relatives, friends, other units (P1 二)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules._labels import PERSON_KINDS, en, zh

RULE_ID = "ORG-03"

CAPACITIES = {"duty_staff": ("值班人员", "duty staff"), "substitute": ("顶替值班人员", "substitute")}


@dataclass(frozen=True)
class DutyCandidate:
    """A person about to be assigned to a duty or to substitute for someone.

    The organisation ids are optional; when both are given they must be the same (外单位人员).
    """

    person_name: str
    person_kind: str
    capacity: str = "duty_staff"
    person_organisation: str = ""
    duty_organisation: str = ""


def outsider_never_on_duty(facts: DutyCandidate, params: Mapping[str, Any]) -> list[Finding]:
    """Only the allowed person kinds of the duty's own organisation may be duty staff or substitutes."""
    capacity_zh, capacity_en = CAPACITIES.get(facts.capacity, (facts.capacity, facts.capacity))
    allowed = params["allowed_person_kinds"]
    findings = []
    if facts.person_kind not in allowed:
        findings.append(
            Finding(
                rule_id=RULE_ID,
                severity=Severity.ENFORCE,
                message_zh=f"{facts.person_name}（{zh(PERSON_KINDS, facts.person_kind)}）不得担任{capacity_zh}",
                message_en=f"{facts.person_name} ({en(PERSON_KINDS, facts.person_kind)}) cannot be {capacity_en}",
                details={
                    "person_kind": facts.person_kind,
                    "capacity": facts.capacity,
                    "allowed": list(allowed),
                },
            )
        )
    other_organisation = (
        facts.person_organisation and facts.duty_organisation and facts.person_organisation != facts.duty_organisation
    )
    if other_organisation:
        findings.append(
            Finding(
                rule_id=RULE_ID,
                severity=Severity.ENFORCE,
                message_zh=f"{facts.person_name}是外单位人员，不得担任{capacity_zh}",
                message_en=f"{facts.person_name} belongs to another organisation and cannot be {capacity_en}",
                details={
                    "capacity": facts.capacity,
                    "person_organisation": facts.person_organisation,
                    "duty_organisation": facts.duty_organisation,
                },
            )
        )
    return findings


CHECKS = {"outsider_never_on_duty": outsider_never_on_duty}
