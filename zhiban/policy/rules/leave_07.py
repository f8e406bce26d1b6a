"""LEAVE-07 — personal leave is filed by the person; sick leave may be filed by someone else (P7 请假 四:
事假必须由本人出面办理，不得由他人代请，病假除外). In the packs that implement it a colleague may file a person's sick
leave for them (the leave service asks `others_may_file`); any other kind filed by someone else is refused.

Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.leave_01 import LeaveFacts, kind_en, kind_zh

RULE_ID = "LEAVE-07"

# Kinds another person may file (代请): 病假除外.
FILED_BY_OTHERS = ("sick",)


def others_may_file(kind: str | None = None) -> bool:
    """Whether someone other than the person may file leave of `kind` for them (sick leave); with no kind, whether
    they may file some kind (so a colleague is offered as someone to file for)."""
    return bool(FILED_BY_OTHERS) if kind is None else kind in FILED_BY_OTHERS


def filed_by_self(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """Leave other than sick leave filed by someone other than the person is refused."""
    if facts.filed_by_self or others_may_file(facts.kind):
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
