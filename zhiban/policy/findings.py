"""What a rule check returns: findings (violations refuse, warnings allow with a reason). Django-free."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How a check acts (REQUIREMENTS): refuse, allow with a recorded reason, or only record/remind/report."""

    ENFORCE = "enforce"
    WARN = "warn"
    RECORD = "record"
    REMIND = "remind"
    REPORT = "report"


@dataclass(frozen=True)
class Finding:
    """One thing a rule found about a proposed change, before the engine attaches its citation."""

    rule_id: str
    severity: Severity
    message_zh: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def refuses(self) -> bool:
        return self.severity is Severity.ENFORCE
