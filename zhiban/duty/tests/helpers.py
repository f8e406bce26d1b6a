"""Shared steps of the duty tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhiban.core.models import AuditEvent
from zhiban.core.worker import Worker
from zhiban.notify.models import OutboxMessage
from zhiban.policy.models import Policy
from zhiban.policy.services import policy_adopt, policy_parameter_override


def run_worker() -> int:
    """Fire everything due now, as the worker would."""
    return Worker(name="test", poll_seconds=0).run_once()


def inbox_subjects(person: Any) -> list[str]:
    return list(
        OutboxMessage.objects.filter(recipient=person.user, channel="inbox")
        .order_by("id")
        .values_list("subject", flat=True)
    )


def adopt(tree: dict[str, Any], pack_id: str) -> None:
    policy_adopt(actor=None, organisation=tree["org"], pack_id=pack_id)


def override(tree: dict[str, Any], rule_id: str, name: str, value: Any) -> None:
    policy = Policy.objects.get(unit=tree["org"])
    policy_parameter_override(actor=None, policy=policy, rule_id=rule_id, parameter=name, value=value)


def audit_count() -> int:
    return AuditEvent.objects.count()


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)
