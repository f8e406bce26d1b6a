"""The job queue: work due at a time is a `Job` row, run by whichever worker claims it first.

    from zhiban.core import jobs

    @jobs.job_handler("incidents.report_deadline")
    def report_deadline(payload: dict) -> None:
        incident = Incident.objects.get(pk=payload["incident_id"])
        if incident.reported_at:  # a stale run: the state moved on, do nothing
            return
        ...

    jobs.schedule("incidents.report_deadline", {"incident_id": incident.pk}, due_at=deadline,
                  dedupe_key=f"incident-report:{incident.pk}")  # inside the service's transaction

Handlers live in each app's `jobs.py` (discovered like admin modules), take a payload of primary
keys, check the row's state and do nothing when the run is stale, so running twice is harmless.
A handler runs in one transaction with marking its job done: either both happen or neither.
Failures retry with backoff up to `max_attempts`, then the job is FAILED with the error kept.
Recurring handlers (`every=`) schedule their next run themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import autodiscover_modules

from zhiban.core import audit, audit_alerts, claims, clock, operations
from zhiban.core.models import Job

logger = logging.getLogger("zhiban.worker")

Handler = Callable[[dict[str, Any]], None]
Interval = dt.timedelta | Callable[[], dt.timedelta]
OPEN = (Job.Status.PENDING, Job.Status.RUNNING)


@dataclass(frozen=True)
class RegisteredHandler:
    kind: str
    func: Handler
    every: Interval | None = None

    def interval(self) -> dt.timedelta | None:
        if self.every is None:
            return None
        return self.every() if callable(self.every) else self.every


_HANDLERS: dict[str, RegisteredHandler] = {}
_discovered = False


class UnknownJobKind(LookupError):
    pass


class ClaimLost(RuntimeError):
    """This worker's claim was taken away (reclaimed as stale) while the handler ran."""


def job_handler(kind: str, *, every: Interval | None = None) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of `kind`; with `every`, it also recurs on its own."""

    def register(func: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind].func is not func:
            raise ValueError(f"a handler for job kind {kind!r} is already registered")
        _HANDLERS[kind] = RegisteredHandler(kind, func, every)
        return func

    return register


def discover() -> None:
    """Import every installed app's `jobs` module so its handlers and queues are registered."""
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True


def handler_for(kind: str) -> RegisteredHandler:
    discover()
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise UnknownJobKind(f"no handler is registered for job kind {kind!r}") from None


def schedule(
    kind: str,
    payload: dict[str, Any],
    due_at: dt.datetime,
    dedupe_key: str = "",
    *,
    max_attempts: int | None = None,
) -> Job:
    """Add a job in the caller's transaction (rolled back with it). With a `dedupe_key`, an open
    job with the same key is returned instead of adding a second one."""
    handler_for(kind)
    if dedupe_key:
        existing = Job.objects.filter(dedupe_key=dedupe_key, status__in=OPEN).first()
        if existing is not None:
            return existing
    job = Job(kind=kind, payload=payload, due_at=due_at, dedupe_key=dedupe_key)
    if max_attempts is not None:
        job.max_attempts = max_attempts
    try:
        with transaction.atomic():
            job.save(force_insert=True)
    except IntegrityError:
        if not dedupe_key:
            raise
        return Job.objects.get(dedupe_key=dedupe_key, status__in=OPEN)
    return job


def cancel(dedupe_key: str) -> int:
    """Cancel the pending job with this key (a running one finishes; its handler sees the state)."""
    return Job.objects.filter(dedupe_key=dedupe_key, status=Job.Status.PENDING).update(
        status=Job.Status.CANCELLED, finished_at=clock.now()
    )


def recurring_key(kind: str) -> str:
    return f"recurring:{kind}"


def ensure_recurring() -> list[Job]:
    """Make sure each recurring handler has its next run scheduled (due now if it had none)."""
    discover()
    scheduled = []
    for handler in _HANDLERS.values():
        if handler.every is None:
            continue
        key = recurring_key(handler.kind)
        # Read first: on SQLite every write transaction locks the whole database.
        if not Job.objects.filter(dedupe_key=key, status__in=OPEN).exists():
            with transaction.atomic():
                scheduled.append(schedule(handler.kind, {}, clock.now(), key))
    return scheduled


def _schedule_next(handler: RegisteredHandler) -> None:
    interval = handler.interval()
    if interval is not None:
        schedule(handler.kind, {}, clock.now() + interval, recurring_key(handler.kind))


def _error_text(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))[-4000:]


def run_job(job_id: int, *, worker: str) -> str:
    """Run a job this worker has claimed; returns "done", "retry", "failed" or "lost"."""
    job = Job.objects.get(id=job_id)
    try:
        with transaction.atomic():
            handler = handler_for(job.kind)
            handler.func(dict(job.payload))
            finished = claims.still_claimed(Job, job.id, worker=worker).update(
                status=Job.Status.DONE, finished_at=clock.now(), last_error=""
            )
            if finished != 1:
                raise ClaimLost(f"job {job.public_id} was reclaimed from {worker} while it ran")
            _schedule_next(handler)
        logger.info("job %s (%s) done by %s", job.public_id, job.kind, worker)
        return "done"
    except ClaimLost as lost:
        logger.warning("%s; its changes were rolled back", lost)
        return "lost"
    except Exception as error:
        logger.exception("job %s (%s) failed on attempt %s", job.public_id, job.kind, job.attempts)
        return _record_failure(job, worker=worker, error=error)


def _record_failure(job: Job, *, worker: str, error: Exception) -> str:
    with transaction.atomic():
        row = claims.still_claimed(Job, job.id, worker=worker).select_for_update().first()
        if row is None:
            return "lost"
        row.last_error = _error_text(error)
        row.claimed_by, row.claimed_at = "", None
        if row.attempts >= row.max_attempts:
            row.status, row.finished_at = Job.Status.FAILED, clock.now()
            row.save(update_fields=["status", "finished_at", "last_error", "claimed_by", "claimed_at"])
            registered = _HANDLERS.get(row.kind)
            if registered is not None:
                _schedule_next(registered)
            return "failed"
        row.status, row.due_at = Job.Status.PENDING, clock.now() + claims.retry_delay(row.attempts)
        row.save(update_fields=["status", "due_at", "last_error", "claimed_by", "claimed_at"])
        return "retry"


def drain_jobs(worker: str, limit: int) -> int:
    """Claim up to `limit` due jobs and run them; returns how many were run."""
    claimed = claims.claim_due(Job, due_field="due_at", worker=worker, now=clock.now(), limit=limit)
    for job_id in claimed:
        with operations.operation():
            run_job(job_id, worker=worker)
    return len(claimed)


def reclaim_jobs(now: dt.datetime) -> tuple[int, int]:
    return claims.reclaim_stale(
        Job, now=now, due_field="due_at", failed={"status": Job.Status.FAILED, "finished_at": now}
    )


def next_job_due() -> dt.datetime | None:
    return claims.next_pending_due(Job, due_field="due_at")


claims.register_queue(claims.Queue("jobs", drain_jobs, reclaim_jobs, next_job_due))


def checkpoint_interval() -> dt.timedelta:
    return dt.timedelta(minutes=float(getattr(settings, "AUDIT_CHECKPOINT_MINUTES", 15)))


@job_handler("core.audit_checkpoint", every=checkpoint_interval)
def audit_checkpoint(payload: dict[str, Any]) -> None:
    """Verify the audit chain, then log its head outside the database, so a removed tail is detected.

    A broken chain is never checkpointed: the refusal is logged and the audit administrators are notified
    (the job itself succeeds, so that notification commits; the next run verifies again).
    """
    try:
        checkpoint = audit.write_checkpoint()
    except audit.ChainBroken as broken:
        audit_alerts.checkpoint_refused(broken.result, by="the worker's audit checkpoint")
        return
    if checkpoint.written_to:
        logger.info("audit chain checkpointed at #%s", checkpoint.sequence)
