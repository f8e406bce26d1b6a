"""Claiming due rows of a queue table so that exactly one worker gets each row, and what follows.

A queue table (jobs, outbox messages) has `status` (pending / running / …), `claimed_by`,
`claimed_at`, `attempts` and a due-time column. On PostgreSQL a claim is
`SELECT … FOR UPDATE SKIP LOCKED` then an UPDATE in the same transaction, so concurrent workers
skip each other's rows instead of waiting. SQLite ignores row locks, so there each row is taken by
a conditional `UPDATE … WHERE id = … AND status = 'pending'`: of two workers only one sees a row
count of 1. The same conditional UPDATE also guards PostgreSQL, so both paths are safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F

PENDING = "pending"
RUNNING = "running"


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff before the next attempt after `attempts` failed ones: base · 2^(n-1), capped."""
    base = float(getattr(settings, "WORKER_RETRY_BASE_SECONDS", 30))
    cap = float(getattr(settings, "WORKER_RETRY_MAX_SECONDS", 3600))
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def stale_after() -> dt.timedelta:
    """How long a RUNNING claim may last before its worker is presumed dead and the row reclaimed."""
    return dt.timedelta(seconds=float(getattr(settings, "WORKER_STALE_SECONDS", 600)))


def due_candidates(model: type[models.Model], *, due_field: str, now: dt.datetime, limit: int) -> list[int]:
    """Ids of pending rows that are due, oldest first (no lock; a claim may still lose them)."""
    return list(
        model._default_manager.filter(status=PENDING, **{f"{due_field}__lte": now})
        .order_by(due_field, "id")
        .values_list("id", flat=True)[:limit]
    )


def try_claim(model: type[models.Model], ids: Sequence[int], *, worker: str, now: dt.datetime) -> list[int]:
    """Take each row with a conditional UPDATE; returns the ids this worker won."""
    won = []
    for row_id in ids:
        taken = model._default_manager.filter(id=row_id, status=PENDING).update(
            status=RUNNING, claimed_by=worker, claimed_at=now, attempts=F("attempts") + 1
        )
        if taken == 1:
            won.append(row_id)
    return won


def claim_due(
    model: type[models.Model], *, due_field: str, worker: str, now: dt.datetime, limit: int = 20
) -> list[int]:
    """Claim up to `limit` due rows for `worker`; no other worker can claim the same rows."""
    if not connection.features.has_select_for_update_skip_locked:
        return try_claim(
            model, due_candidates(model, due_field=due_field, now=now, limit=limit), worker=worker, now=now
        )
    with transaction.atomic():
        locked = list(
            model._default_manager.select_for_update(skip_locked=True)
            .filter(status=PENDING, **{f"{due_field}__lte": now})
            .order_by(due_field, "id")
            .values_list("id", flat=True)[:limit]
        )
        return try_claim(model, locked, worker=worker, now=now)


def still_claimed(model: type[models.Model], row_id: int, *, worker: str) -> models.QuerySet[Any]:
    """The row, if this worker's claim on it still holds (a stale-reclaim may have taken it away)."""
    return model._default_manager.filter(id=row_id, status=RUNNING, claimed_by=worker)


def reclaim_stale(
    model: type[models.Model], *, now: dt.datetime, due_field: str, failed: dict[str, Any]
) -> tuple[int, int]:
    """Return RUNNING rows whose worker died to PENDING, or, out of attempts, set `failed` on them.

    Each row carries its own `max_attempts`. Returns (reclaimed, failed).
    """
    stale = model._default_manager.filter(status=RUNNING, claimed_at__lt=now - stale_after())
    if not stale.exists():  # the usual case: a plain read, no write lock (SQLite has only one)
        return 0, 0
    note = "the worker that claimed it stopped before finishing"
    gave_up = stale.filter(attempts__gte=F("max_attempts")).update(
        claimed_by="", claimed_at=None, last_error=note, **failed
    )
    reclaimed = stale.filter(attempts__lt=F("max_attempts")).update(
        status=PENDING, claimed_by="", claimed_at=None, last_error=note, **{due_field: now}
    )
    return reclaimed, gave_up


def next_pending_due(model: type[models.Model], *, due_field: str) -> dt.datetime | None:
    """The earliest due time of the table's pending rows (an index read), or None."""
    due: dt.datetime | None = (
        model._default_manager.filter(status=PENDING).order_by(due_field).values_list(due_field, flat=True).first()
    )
    return due


@dataclass(frozen=True)
class Queue:
    """A table the worker drains: `drain(worker, limit)` claims and handles due rows, returning
    how many it handled; `reclaim(now)` returns dead workers' claims; `next_due()`, where given, the
    earliest due time of a pending row (None when nothing is pending), so an idle worker wakes when
    that row falls due instead of at its next poll."""

    name: str
    drain: Callable[[str, int], int]
    reclaim: Callable[[dt.datetime], tuple[int, int]]
    next_due: Callable[[], dt.datetime | None] | None = None


_QUEUES: dict[str, Queue] = {}


def register_queue(queue: Queue) -> Queue:
    """Add a queue for the worker to drain (apps do this in their `jobs.py`)."""
    _QUEUES[queue.name] = queue
    return queue


def registered_queues() -> list[Queue]:
    return list(_QUEUES.values())
