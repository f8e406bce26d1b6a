"""What the monthly compliance report counts: refusals the engine made, warnings overridden with a reason.

A refusal rolls back the transaction it happened in, so it is noted in a per-request buffer
(`collecting`) and written after the request or job, in a transaction of its own (`flush`). A warning
someone goes ahead past is written inside the service's own transaction with the reason given
(`overridden`), so it exists exactly when the change does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from zhiban.core import clock
from zhiban.org.models import Unit
from zhiban.org.scopes import organisation_of
from zhiban.policy.engine import CitedFinding, Outcome
from zhiban.policy.models import RuleEvent


@dataclass(frozen=True)
class _Refusal:
    organisation_id: int
    finding: CitedFinding
    actor_id: int | None


_buffer: ContextVar[list[_Refusal] | None] = ContextVar("zhiban_refusals", default=None)
_actor: ContextVar[int | None] = ContextVar("zhiban_refusal_actor", default=None)


def _event(organisation_id: int, finding: CitedFinding, outcome: str, **fields: object) -> RuleEvent:
    return RuleEvent(
        organisation_id=organisation_id,
        rule_id=finding.rule_id,
        code=finding.code,
        outcome=outcome,
        message=finding.detail("zh")[:500],
        policy_version=finding.citation.policy_version,
        at=clock.now(),
        **fields,
    )


def note_refusal(unit: Unit | None, outcome: Outcome) -> None:
    """Called by `policy.enforce` when it refuses: remembered until `flush` (nothing outside `collecting`)."""
    buffer = _buffer.get()
    if buffer is None or unit is None:
        return
    organisation = organisation_of(unit)
    buffer.extend(_Refusal(organisation.pk, finding, _actor.get()) for finding in outcome.violations)


def flush() -> int:
    """Write the refusals noted so far, in a transaction of their own; returns how many."""
    buffer = _buffer.get()
    if not buffer:
        return 0
    pending, buffer[:] = list(buffer), []
    with transaction.atomic():
        RuleEvent.objects.bulk_create(
            _event(r.organisation_id, r.finding, RuleEvent.Outcome.BLOCKED, actor_id=r.actor_id) for r in pending
        )
    return len(pending)


@contextlib.contextmanager
def collecting(actor_id: int | None = None) -> Iterator[None]:
    """Note refusals made inside (a request, a job) and write them at the end, whatever happened."""
    token, actor_token = _buffer.set([]), _actor.set(actor_id)
    try:
        yield
    finally:
        try:
            flush()
        finally:
            _buffer.reset(token)
            _actor.reset(actor_token)


def overridden(
    outcome: Outcome, *, actor: object, organisation: Unit, subject: str, reason: str, field: str = "reason"
) -> list[RuleEvent]:
    """Record each warning of `outcome` as overridden with `reason` (required when there are warnings; the
    error names `field`, the form's or API's name for it)."""
    if not outcome.warnings:
        return []
    reason = reason.strip()
    if not reason:
        lines = "; ".join(f.message("zh") for f in outcome.warnings)
        raise ValidationError({field: f"请说明理由后再继续（{lines}）"})
    organisation = organisation_of(organisation)
    actor_id = getattr(actor, "pk", None)
    return RuleEvent.objects.bulk_create(
        _event(
            organisation.pk,
            finding,
            RuleEvent.Outcome.OVERRIDDEN,
            subject=subject[:120],
            reason=reason[:500],
            actor_id=actor_id,
        )
        for finding in outcome.warnings
    )
