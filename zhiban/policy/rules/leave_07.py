"""LEAVE-07 — personal leave is filed by the person; sick leave may be filed by someone else (P7 请假 四).

Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.leave_01 import LeaveFacts, kind_en, kind_zh

RULE_ID = "LEAVE-07"

# Kinds another person may file (代请).
FILED_BY_OTHERS = ("sick",)


def filed_by_self(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """Leave other than sick leave filed by someone other than the person is refused."""
    if facts.filed_by_self or facts.kind in FILED_BY_OTHERS:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{kind_zh(facts.kind)}必须由{facts.person_name}本人办理，{facts.filer_name}不得代请（病假除外）",
            f"{kind_en(facts.kind)} is filed by {facts.person_name} in person, "
            f"not by {facts.filer_name} (sick leave excepted)",
            {"filer": facts.filer_name},
        )
    ]


CHECKS = {"filed_by_self": filed_by_self}
