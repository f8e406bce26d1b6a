"""OPS-06 — handover (交接班): the record holds equipment state, open difficult issues and staffing changes (P7 交接班
六) with the checklist's results (OPS-12); the outgoing officer cannot close the shift until the incoming one accepts
(P7 交接班 四); where the pack says so, arrive `arrive_early` before the shift for roll call (P7). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-06"


@dataclass(frozen=True)
class Handover:
    """A handover as written by the outgoing officer."""

    equipment: str
    open_issues: tuple[str, ...]
    staffing: str


@dataclass(frozen=True)
class ShiftClose:
    """The outgoing officer closing the shift: is there an incoming shift, and has it accepted the handover?"""

    has_incoming: bool
    accepted: bool


def roll_call_at(starts_at: dt.datetime, params: Mapping[str, Any]) -> dt.datetime:
    """When the incoming officers are called: `arrive_early` before the start."""
    early: dt.timedelta = params["arrive_early"]
    return starts_at - early


def handover_record(facts: Handover, params: Mapping[str, Any]) -> list[Finding]:
    if not facts.equipment.strip():
        return [Finding(RULE_ID, Severity.ENFORCE, "交接记录须写明设备情况", "the handover states the equipment")]
    return []


def incoming_accepts(facts: ShiftClose, params: Mapping[str, Any]) -> list[Finding]:
    if not facts.has_incoming or facts.accepted:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            "接班人确认交接前，交班人不能结束值班",
            "the outgoing officer closes the shift only after the incoming one accepts the handover",
        )
    ]


@dataclass(frozen=True)
class RollCall:
    starts_at: dt.datetime
    now: dt.datetime


def roll_call(facts: RollCall, params: Mapping[str, Any]) -> list[Finding]:
    at = roll_call_at(facts.starts_at, params)
    if facts.now < at or facts.now >= facts.starts_at:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"{at:%H:%M}班前点名，请提前到岗",
            f"roll call at {at:%H:%M}: arrive early",
        )
    ]


CHECKS = {"handover_record": handover_record, "incoming_accepts": incoming_accepts, "roll_call": roll_call}
