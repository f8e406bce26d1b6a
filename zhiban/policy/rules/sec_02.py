"""SEC-02 — circulation (传阅) only within the set scope, in a dedicated folder, each reader signing for receipt;
**no horizontal passing**: the carrier goes back to the clerk between readers (clerk → reader → clerk); readers return
it promptly (`return_within_days`), and an overdue return is escalated (P6 一). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SEC-02"


@dataclass(frozen=True)
class CustodyMove:
    """A carrier changing hands: from its holder to the next, whether each is the clerk, and whether the receiver is
    within the distribution scope and cleared for the classification."""

    register_number: str
    from_name: str
    from_is_clerk: bool
    to_name: str
    to_is_clerk: bool
    to_in_scope: bool
    to_cleared: bool


@dataclass(frozen=True)
class OutWithReader:
    """A carrier with a reader since `since`, as of `now`."""

    register_number: str
    reader_name: str
    since: dt.datetime
    now: dt.datetime


def due_back(since: dt.datetime, params: Mapping[str, Any]) -> dt.datetime:
    """When a reader who received the carrier at `since` must have returned it."""
    return since + dt.timedelta(days=int(params["return_within_days"]))


def no_horizontal_passing(facts: CustodyMove, params: Mapping[str, Any]) -> list[Finding]:
    if facts.from_is_clerk or facts.to_is_clerk:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"密件{facts.register_number}不得横向传阅：应由{facts.from_name}退回机要员，再由机要员转交{facts.to_name}",
            f"{facts.register_number} is not passed sideways: {facts.from_name} returns it to the clerk first",
        )
    ]


def within_scope(facts: CustodyMove, params: Mapping[str, Any]) -> list[Finding]:
    if facts.to_is_clerk or (facts.to_in_scope and facts.to_cleared):
        return []
    why_zh, why_en = ("不在传阅范围内", "is outside the distribution scope")
    if facts.to_in_scope:
        why_zh, why_en = ("涉密等级低于文件密级", "is not cleared for its classification")
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"密件{facts.register_number}只能在规定范围内传阅：{facts.to_name}{why_zh}",
            f"{facts.register_number} circulates only within its scope: {facts.to_name} {why_en}",
        )
    ]


def return_overdue(facts: OutWithReader, params: Mapping[str, Any]) -> list[Finding]:
    due = due_back(facts.since, params)
    if facts.now <= due:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"密件{facts.register_number}在{facts.reader_name}处逾期未退回",
            f"{facts.register_number} is overdue with {facts.reader_name}",
            {"due_back": due.isoformat()},
        )
    ]


CHECKS = {
    "no_horizontal_passing": no_horizontal_passing,
    "within_scope": within_scope,
    "return_overdue": return_overdue,
}
