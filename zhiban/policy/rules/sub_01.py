"""SUB-01 — whoever cannot do their duty asks for leave or has a colleague substitute, with approval;
the substitute bears full responsibility (P2 第十条, P1 二, P3 二.2; default in company-shifts).

A change of duty takes effect only when approved and only with a substitute for every duty it
leaves (cover first); the record says who substitutes for whom and that the substitute is
responsible. In `bureau` the secretariat is told in advance (before the duty starts). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SUB-01"


@dataclass(frozen=True)
class Substitution:
    """`absent_name` leaves the duty `duty_label` (starting `duty_starts_at`) to `substitute_name` (None: no
    substitute chosen yet); `approved` when the request has its approval; `at` when it takes effect."""

    absent_name: str
    substitute_name: str | None
    duty_label: str
    duty_starts_at: dt.datetime
    approved: bool
    at: dt.datetime


def substitute_approved(facts: Substitution, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses a change of duty with no substitute for the duty, or without approval."""
    if facts.substitute_name is None:
        return [
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{facts.absent_name}的{facts.duty_label}值班尚无顶替人，须先安排顶替再批准",
                f"{facts.absent_name}'s duty {facts.duty_label} has no substitute; choose one before approving",
                {"duty": facts.duty_label, "reason": "no_substitute"},
            )
        ]
    if facts.approved:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.substitute_name}顶替{facts.absent_name}的{facts.duty_label}值班须经批准后生效",
            f"{facts.substitute_name} substituting for {facts.absent_name} on {facts.duty_label} "
            "takes effect only when approved",
            {"duty": facts.duty_label, "reason": "not_approved"},
        )
    ]


def substitute_responsible(facts: Substitution, params: Mapping[str, Any]) -> list[Finding]:
    """The record of the duty: who substitutes for whom, and that the substitute bears full responsibility."""
    if facts.substitute_name is None:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.substitute_name}顶替{facts.absent_name}值{facts.duty_label}，由{facts.substitute_name}承担全部值班责任",
            f"{facts.substitute_name} substitutes for {facts.absent_name} on {facts.duty_label} "
            f"and bears full responsibility for the duty",
            {"substitute": facts.substitute_name, "absent": facts.absent_name, "duty": facts.duty_label},
        )
    ]


def reports_to_secretariat(params: Mapping[str, Any]) -> bool:
    """bureau (P3 二.2: 由各处自行调整，并提前向秘书处报备): whether an approved change of duty is reported to the
    secretariat (the leave service tells it when the change is approved)."""
    return bool(params.get("report_to_secretariat", False))


def reported_in_advance(facts: Substitution, params: Mapping[str, Any]) -> list[Finding]:
    """bureau: the secretariat is told of the change when it takes effect; after the duty started is not in advance."""
    if not reports_to_secretariat(params) or facts.at <= facts.duty_starts_at:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.WARN,
            f"{facts.duty_label}值班已于{facts.duty_starts_at:%Y-%m-%d %H:%M}开始，调整未能提前向秘书处报备",
            f"the duty {facts.duty_label} started at {facts.duty_starts_at:%Y-%m-%d %H:%M}; "
            "the secretariat was not told in advance",
            {"duty_starts_at": facts.duty_starts_at.isoformat()},
        )
    ]


CHECKS = {
    "substitute_approved": substitute_approved,
    "substitute_responsible": substitute_responsible,
    "reported_in_advance": reported_in_advance,
}
