"""Raising the alarm when the audit chain fails verification before a checkpoint: an error in the log, and whatever
alarms the apps above core register (the notify app tells the audit administrators (审计管理员) and superusers, once
per distinct problem), so core imports none of them."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, transaction

from zhiban.core.audit import VerifyResult

logger = logging.getLogger("zhiban.audit")


@dataclass(frozen=True)
class Refusal:
    """A checkpoint refused over a broken chain: who refused (`by`), the problem, and a digest that names this
    problem of this database (for keeping an alarm to one per problem)."""

    by: str
    problem: str
    digest: str


Alarm = Callable[[Refusal], None]
_alarms: list[Alarm] = []


def register_alarm(alarm: Alarm) -> None:
    """Called from an app's `ready()`; an alarm writes in the caller's transaction (outbox rows, not sends)."""
    if alarm not in _alarms:
        _alarms.append(alarm)


def checkpoint_refused(result: VerifyResult, *, by: str) -> None:
    """Log the refusal as an error and raise every registered alarm.

    Each alarm runs in a savepoint of the caller's transaction (the worker's job commits it). A database too broken
    to take an alarm does not hide the error log, nor the other alarms.
    """
    logger.error("%s refused to checkpoint the audit chain: %s", by, result.problem)
    digest = hashlib.sha256(f"{result.database}:{result.problem}".encode()).hexdigest()[:24]
    refusal = Refusal(by=by, problem=str(result.problem), digest=digest)
    for alarm in _alarms:
        try:
            with transaction.atomic():
                alarm(refusal)
        except DatabaseError:
            logger.exception("could not raise the alarm (%s) that the audit chain failed verification", alarm)
