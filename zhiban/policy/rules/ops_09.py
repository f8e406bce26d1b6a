"""OPS-09 — the duty-room key is collected from the secretariat at the start of duty and returned after it (P3 六.2);
a key still out `return_within` after the duty ends is reminded of. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-09"


@dataclass(frozen=True)
class KeyLoan:
    holder_name: str
    issued_at: dt.datetime
    duty_ends_at: dt.datetime
    returned_at: dt.datetime | None
    now: dt.datetime


def return_by(duty_ends_at: dt.datetime, params: Mapping[str, Any]) -> dt.datetime:
    within: dt.timedelta = params["return_within"]
    return duty_ends_at + within


def key_collected_returned(facts: KeyLoan, params: Mapping[str, Any]) -> list[Finding]:
    returned = f"，{facts.returned_at:%H:%M}归还" if facts.returned_at else ""
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.holder_name}{facts.issued_at:%H:%M}领取值班室钥匙{returned}",
            f"{facts.holder_name} collected the duty-room key",
        )
    ]


def key_not_returned(facts: KeyLoan, params: Mapping[str, Any]) -> list[Finding]:
    due = return_by(facts.duty_ends_at, params)
    if facts.returned_at is not None or facts.now < due:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"值班已结束，{facts.holder_name}尚未归还值班室钥匙",
            f"the duty is over and {facts.holder_name} has not returned the key",
        )
    ]


CHECKS = {"key_collected_returned": key_collected_returned, "key_not_returned": key_not_returned}
