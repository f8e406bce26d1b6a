"""The SEC rules as the secrecy services read them: parameters of a rule the unit's live policy implements, else
None (no pack, or the pack does not implement it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiban.org.models import Unit
from zhiban.policy import selectors as policy_selectors


def params(unit: Unit, rule_id: str) -> Mapping[str, Any] | None:
    resolved = policy_selectors.resolved_for_unit(unit)
    if resolved is None:
        return None
    rule = resolved.pack.rule(rule_id)
    if rule is None or not rule.implemented:
        return None
    return resolved.parameters(rule_id)
