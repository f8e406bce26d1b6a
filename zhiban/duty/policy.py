"""The duty rules as the duty services read them: which OPS rules the unit's live policy implements, and their
parameters. A rule the pack does not implement switches its part of the duty off (no shift report where no text asks
for one)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiban.org.models import Unit
from zhiban.policy import selectors as policy_selectors


def params(unit: Unit, rule_id: str) -> Mapping[str, Any] | None:
    """The rule's live parameters when the unit's pack implements it, else None."""
    resolved = policy_selectors.resolved_for_unit(unit)
    if resolved is None:
        return None
    rule = resolved.pack.rule(rule_id)
    if rule is None or not rule.implemented:
        return None
    return resolved.parameters(rule_id)


def implements(unit: Unit, rule_id: str) -> bool:
    return params(unit, rule_id) is not None
