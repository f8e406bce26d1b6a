"""What a request asks of its approvers: one step per approver, in order (steps of one order run in parallel)."""

from __future__ import annotations

from dataclasses import dataclass

from zhiban.org.models import Unit


@dataclass(frozen=True)
class StepSpec:
    """An approval step to create: the holder of `role` at `unit` (or above it) decides, at position `order`.

    `rule_id` names the rule that asks for this step (e.g. LEAVE-03, SWAP-01); the labels are what the
    chain shows ("站长审批" / "station head approves").
    """

    order: int
    role: str
    unit: Unit
    rule_id: str
    label_zh: str
    label_en: str
