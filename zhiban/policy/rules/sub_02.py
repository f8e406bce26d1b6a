"""SUB-02 — a substitute comes from the same department, approved by its head; never an outsider (P1 二).

Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SUB-02"


@dataclass(frozen=True)
class SubstituteChoice:
    """`substitute_name` (of `substitute_department`) would take `absent_name`'s duty (of `absent_department`).
    `head_approved`: None while the request is being filed, then whether the department head approved it."""

    absent_name: str
    substitute_name: str
    absent_department: str
    substitute_department: str
    head_approved: bool | None = None


def same_department(facts: SubstituteChoice, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses a substitute from another department (when the pack says same department only)."""
    if not params.get("same_department_only", True) or facts.substitute_department == facts.absent_department:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"只能由{facts.absent_department}人员顶替{facts.absent_name}值班，"
            f"{facts.substitute_name}属{facts.substitute_department}",
            f"only someone of {facts.absent_department} may substitute for {facts.absent_name}; "
            f"{facts.substitute_name} is of {facts.substitute_department}",
            {"absent_department": facts.absent_department, "substitute_department": facts.substitute_department},
        )
    ]


def head_approves(facts: SubstituteChoice, params: Mapping[str, Any]) -> list[Finding]:
    """A substitution takes effect only when the head of the department approved it."""
    if facts.head_approved is None or facts.head_approved:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.substitute_name}顶替{facts.absent_name}值班须经{facts.absent_department}负责人同意",
            f"{facts.substitute_name} substituting for {facts.absent_name} needs the consent of the head of "
            f"{facts.absent_department}",
            {"department": facts.absent_department},
        )
    ]


CHECKS = {"same_department": same_department, "head_approves": head_approves}
