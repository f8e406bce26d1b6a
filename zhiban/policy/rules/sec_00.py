"""SEC-00 — the product boundary: zhiban runs on an ordinary office network, so it never stores classified content.
The register tracks physical carriers only: register number, classification and period (marked 密级★期限), copy
number, issuing body, dates, a title that is itself not secret, custody and location. No scans, no attachments. A
period may not exceed its classification's maximum (`max_years_top_secret` / `max_years_secret` /
`max_years_confidential`, default 30 / 20 / 10 years). Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SEC-00"

# What a register entry may hold: nothing else is accepted (no content, no scans, no attachments).
REGISTER_FIELDS = frozenset(
    {
        "register_number",
        "classification",
        "period_years",
        "copy_number",
        "issuing_body",
        "issued_on",
        "received_on",
        "title",
        "location",
    }
)

# Classification codes (as stored) and their names as the regulations write them.
NAMES = {"top_secret": "绝密", "secret": "机密", "confidential": "秘密"}
_PARAMETER = {
    "top_secret": "max_years_top_secret",
    "secret": "max_years_secret",
    "confidential": "max_years_confidential",
}


@dataclass(frozen=True)
class CarrierRecord:
    """A register entry as submitted: the names of its fields, how many files come with it, its classification
    code and period in years."""

    fields: frozenset[str]
    attachments: int
    classification: str
    period_years: int


def max_years(params: Mapping[str, Any]) -> dict[str, int]:
    """The maximum period of each classification, in years."""
    return {code: int(params[name]) for code, name in _PARAMETER.items()}


def marking(classification: str, period_years: int) -> str:
    """The marking as printed on the carrier: 机密★20年."""
    return f"{NAMES.get(classification, classification)}★{period_years}年"


def no_content(facts: CarrierRecord, params: Mapping[str, Any]) -> list[Finding]:
    extra = sorted(facts.fields - REGISTER_FIELDS)
    if facts.attachments:
        extra.append("attachments")
    if not extra:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"密件登记簿不存储涉密内容、扫描件或附件：{'、'.join(extra)}",
            f"the register stores no classified content, scans or attachments: {', '.join(extra)}",
            {"fields": extra},
        )
    ]


def period_within_maximum(facts: CarrierRecord, params: Mapping[str, Any]) -> list[Finding]:
    limit = max_years(params).get(facts.classification)
    if limit is None:
        return []
    if 1 <= facts.period_years <= limit:
        return []
    name = NAMES[facts.classification]
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{name}级保密期限应为1至{limit}年，登记为{facts.period_years}年",
            f"a {name} period is 1 to {limit} years, not {facts.period_years}",
            {"classification": facts.classification, "period_years": facts.period_years, "max_years": limit},
        )
    ]


CHECKS = {"no_content": no_content, "period_within_maximum": period_within_maximum}
