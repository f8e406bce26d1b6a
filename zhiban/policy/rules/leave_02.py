"""LEAVE-02 — one leave at most a week, counted in calendar days (maintenance, P2 二.2). Django-free."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.leave_01 import LeaveFacts

RULE_ID = "LEAVE-02"


def max_length(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """A leave longer than `max_days` calendar days is refused."""
    limit = int(params["max_days"])
    if facts.calendar_days <= limit:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"每次假期不得超过{limit}天，本次请假共{facts.calendar_days}天（日历日）",
            f"one leave is at most {limit} days; this one is {facts.calendar_days} calendar days",
            {"max_days": limit, "calendar_days": facts.calendar_days},
        )
    ]


CHECKS = {"max_length": max_length}
