"""SEC-01 — classified documents (密件) from superiors or made in-house are received, dispatched and archived by a
designated clerk (机要员, P6 一), with their classification (`classifications`: 绝密/机密/秘密) and period. Only the
clerk registers a carrier or archives it; the register records what was received. Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.sec_00 import NAMES, marking

RULE_ID = "SEC-01"


@dataclass(frozen=True)
class ClerkAction:
    """Someone registering (`receive`) or archiving (`archive`) a carrier: are they its designated clerk?"""

    action: str
    actor_name: str
    actor_is_clerk: bool
    register_number: str
    classification: str
    period_years: int


def classifications(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The classification codes the policy lets the clerk register, in the pack's order."""
    by_name = {name: code for code, name in NAMES.items()}
    return tuple(by_name[name] for name in params["classifications"] if name in by_name)


def clerk_only(facts: ClerkAction, params: Mapping[str, Any]) -> list[Finding]:
    if facts.actor_is_clerk:
        return []
    what_zh = "登记收文" if facts.action == "receive" else "归档"
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"密件由机要员专人负责收发和存档，{facts.actor_name}不能{what_zh}",
            f"only the designated clerk receives and archives classified documents, not {facts.actor_name}",
            {"action": facts.action},
        )
    ]


def carrier_register(facts: ClerkAction, params: Mapping[str, Any]) -> list[Finding]:
    """What the register records of a receipt: number and marking."""
    if facts.action != "receive" or not facts.actor_is_clerk:
        return []
    mark = marking(facts.classification, facts.period_years)
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"机要员{facts.actor_name}登记密件{facts.register_number}（{mark}）",
            f"clerk {facts.actor_name} registered {facts.register_number} ({mark})",
            {"register_number": facts.register_number},
        )
    ]


CHECKS = {"clerk_only": clerk_only, "carrier_register": carrier_register}
