"""SWAP-01 — a swap takes effect only when both team leads approve; a swap register is kept (P7 客服部换班制度 二)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SWAP-01"


@dataclass(frozen=True)
class SwapApprovals:
    """A swap about to take effect: who swaps with whom, which shifts, and whether each side's team lead approved.

    `return_label` is empty when the return shift (还班) is not scheduled yet.
    """

    requester_name: str
    colleague_name: str
    shift_label: str
    shift_day: dt.date
    return_label: str
    requester_lead_approved: bool
    colleague_lead_approved: bool


def both_team_leads_approve(facts: SwapApprovals, params: Mapping[str, Any]) -> list[Finding]:
    """Refuses while either side's team lead has not approved."""
    missing = [
        (name, zh, en)
        for name, approved, zh, en in (
            (facts.requester_name, facts.requester_lead_approved, "换班者", "the requester"),
            (facts.colleague_name, facts.colleague_lead_approved, "接班者", "the colleague"),
        )
        if not approved
    ]
    if not missing:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            "换班须经双方班长同意，" + "、".join(f"{zh}{name}的班长尚未同意" for name, zh, _ in missing),
            "a swap needs both team leads' approval; "
            + ", ".join(f"{en} {name}'s team lead has not approved" for name, _, en in missing),
            {"missing": [name for name, _, _ in missing]},
        )
    ]


def swap_register(facts: SwapApprovals, params: Mapping[str, Any]) -> list[Finding]:
    """The register line of a swap that took effect (换班登记表)."""
    if not (facts.requester_lead_approved and facts.colleague_lead_approved):
        return []
    back_zh = f"，还班{facts.return_label}" if facts.return_label else "，还班待定"
    back_en = f", returned on {facts.return_label}" if facts.return_label else ", return to be scheduled"
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"换班登记：{facts.requester_name}与{facts.colleague_name}换{facts.shift_label}{back_zh}",
            f"swap register: {facts.requester_name} swaps {facts.shift_label} with {facts.colleague_name}{back_en}",
            {"requester": facts.requester_name, "colleague": facts.colleague_name, "day": facts.shift_day.isoformat()},
        )
    ]


CHECKS = {"both_team_leads_approve": both_team_leads_approve, "swap_register": swap_register}
