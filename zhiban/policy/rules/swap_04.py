"""SWAP-04 — swaps keep to the same job type and comparable grade (P7 客服部换班制度 四).

A person whose job type or grade is not recorded cannot be shown to match, so the swap is refused
with a message saying what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SWAP-04"


@dataclass(frozen=True)
class SwapPair:
    """The two people of a swap, with their job type (name) and grade (a number; higher is more senior)."""

    requester_name: str
    requester_job_type: str | None
    requester_grade: int | None
    colleague_name: str
    colleague_job_type: str | None
    colleague_grade: int | None


def _missing(facts: SwapPair, attribute: str) -> list[str]:
    return [
        name
        for name, value in (
            (facts.requester_name, getattr(facts, f"requester_{attribute}")),
            (facts.colleague_name, getattr(facts, f"colleague_{attribute}")),
        )
        if value is None
    ]


def job_type_and_grade(facts: SwapPair, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses different job types (when the pack requires the same) and a grade gap above `max_grade_gap`."""
    findings = []
    pair = f"{facts.requester_name}与{facts.colleague_name}"
    pair_en = f"{facts.requester_name} and {facts.colleague_name}"
    if params["same_job_type"]:
        if missing := _missing(facts, "job_type"):
            findings.append(
                Finding(
                    RULE_ID,
                    Severity.ENFORCE,
                    f"{'、'.join(missing)}未登记工种，无法确认同工种，不能换班",
                    f"no job type is recorded for {', '.join(missing)}; a swap needs the same job type",
                    {"missing": missing},
                )
            )
        elif facts.requester_job_type != facts.colleague_job_type:
            findings.append(
                Finding(
                    RULE_ID,
                    Severity.ENFORCE,
                    f"{pair}工种不同（{facts.requester_job_type}/{facts.colleague_job_type}），换班须同工种",
                    f"{pair_en} have different job types ({facts.requester_job_type}/{facts.colleague_job_type}); "
                    "a swap needs the same job type",
                    {"job_types": [facts.requester_job_type, facts.colleague_job_type]},
                )
            )
    limit = int(params["max_grade_gap"])
    if missing := _missing(facts, "grade"):
        findings.append(
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{'、'.join(missing)}未登记级别，无法确认技术业务水平相当，不能换班",
                f"no grade is recorded for {', '.join(missing)}; a swap needs comparable grades",
                {"missing": missing},
            )
        )
    elif facts.requester_grade is not None and facts.colleague_grade is not None:
        gap = abs(facts.requester_grade - facts.colleague_grade)
        if gap > limit:
            findings.append(
                Finding(
                    RULE_ID,
                    Severity.ENFORCE,
                    f"{pair}级别相差{gap}级，换班级别相差不得超过{limit}级",
                    f"{pair_en} are {gap} grade(s) apart; a swap allows at most {limit}",
                    {"gap": gap, "limit": limit},
                )
            )
    return findings


CHECKS = {"job_type_and_grade": job_type_and_grade}
