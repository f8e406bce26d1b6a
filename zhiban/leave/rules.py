"""How the leave app asks the rule engine: the live parameters of a rule, and the rules that read given facts.

A pack declares different checks for one rule ID (LEAVE-05 refuses at filing in `maintenance` and at approval in
`service-center`), so each stage asks only the rules with a check reading the facts it has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from zhiban.org.models import Unit
from zhiban.policy import selectors as policy_selectors
from zhiban.policy import services as policy
from zhiban.policy.engine import Outcome, ResolvedPolicy
from zhiban.policy.registry import registry
from zhiban.policy.rules import leave_03, leave_07


def resolved(unit: Unit) -> ResolvedPolicy | None:
    return policy_selectors.resolved_for_unit(unit)


def params(unit: Unit, rule_id: str) -> Mapping[str, Any] | None:
    """The live parameters of `rule_id` when `unit`'s policy declares it implemented, else None."""
    current = resolved(unit)
    if current is None:
        return None
    rule = current.pack.rule(rule_id)
    if rule is None or not rule.implemented:
        return None
    return current.parameters(rule_id)


def declares_check(unit: Unit, rule_id: str, check: str) -> bool:
    current = resolved(unit)
    rule = current.pack.rule(rule_id) if current is not None else None
    return rule is not None and rule.implemented and any(c.name == check for c in rule.checks)


def _reading(current: ResolvedPolicy | None, rule_ids: Iterable[str], facts: Sequence[object]) -> list[str]:
    if current is None:
        return []
    wanted = []
    for rule_id in rule_ids:
        rule = current.pack.rule(rule_id)
        module = registry().get(rule_id)
        if rule is None or not rule.implemented or module is None:
            continue
        if any(module.checks[c.name].accepts(f) for c in rule.checks if c.name in module.checks for f in facts):
            wanted.append(rule_id)
    return wanted


def evaluate(unit: Unit, rule_ids: Iterable[str], facts: Sequence[object]) -> Outcome:
    """Findings of the rules (of `rule_ids`) that read these facts; refuses nothing."""
    return policy.evaluate(unit=unit, rule_ids=_reading(resolved(unit), rule_ids, facts), facts=list(facts))


def enforce(unit: Unit, rule_ids: Iterable[str], facts: Sequence[object], field: str | None = None) -> Outcome:
    """Like `evaluate`, but a refusal raises RuleViolationError citing the rule (and is noted for compliance)."""
    return policy.enforce(unit=unit, rule_ids=_reading(resolved(unit), rule_ids, facts), facts=list(facts), field=field)


def is_shift_work(unit: Unit) -> bool:
    """LEAVE-03 `counted_in`: people who work shifts round the clock count leave in their own duty days."""
    current = params(unit, "LEAVE-03")
    return current is not None and leave_03.counts_duty_days(current)


def others_may_file(unit: Unit) -> bool:
    """LEAVE-07 (事假必须由本人出面办理，不得由他人代请，病假除外): where the pack of `unit` implements it, a
    colleague may file a person's sick leave for them; the rule refuses any other kind filed by someone else, citing
    its clause."""
    return params(unit, "LEAVE-07") is not None and leave_07.others_may_file()


def wait_hours(unit: Unit) -> int | None:
    """LEAVE-03 `approval_wait_hours`: how long a step of a leave, substitution or rest chain waits before
    its approvers are reminded; None (no reminder) where the pack does not declare the remind check."""
    current = params(unit, "LEAVE-03")
    if current is None or not declares_check(unit, "LEAVE-03", "approval_overdue"):
        return None
    return leave_03.wait_hours(current)
