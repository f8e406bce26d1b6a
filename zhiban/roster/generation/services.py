"""Generation writes: start and stop a run (audited, by whoever may compile the period), and write its result.

The result goes into the draft through `roster.services.draft_fill`, which checks every cell as a single
edit would (ORG-03 through the rule engine, ROS-01 posts and qualifications). A cell it refuses is left out
and reported on the run; the rest is written at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.accounts.models import User
from zhiban.core import audit, clock, jobs
from zhiban.org.models import Person
from zhiban.roster import selectors
from zhiban.roster import services as roster_services
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import RosterPeriod, ShiftType

JOB_KIND = "roster.generate"
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 1, 600
MAX_REFUSALS = 50
_CELL = re.compile(r"cell (\d+) ")

Cell = tuple[Any, ShiftType, str, Sequence[Person]]


def _require_schedule(actor: User | None, period: RosterPeriod) -> None:
    if actor is not None and not selectors.can_schedule(actor, period.unit):
        raise PermissionDenied(f"you may not compile the roster of {period.unit.name}")


@transaction.atomic
def generation_start(*, actor: User | None, period: RosterPeriod, time_limit_s: int = 20) -> GenerationRun:
    """Queue a solve of the period's draft (ROS-04); one active run per period."""
    period = RosterPeriod.objects.select_for_update(of=("self",)).select_related("unit").get(pk=period.pk)
    _require_schedule(actor, period)
    if not MIN_TIME_LIMIT <= time_limit_s <= MAX_TIME_LIMIT:
        raise ValidationError({"time_limit_s": f"between {MIN_TIME_LIMIT} and {MAX_TIME_LIMIT} seconds"})
    if period.status == RosterPeriod.Status.PUBLISHED and selectors.draft_of(period) is None:
        raise ValidationError(
            {"period": "ROS-03: the roster is published; it changes only through a correction, not a new draft"}
        )
    now = clock.now()
    for stale in period.generation_runs.filter(status__in=GenerationRun.ACTIVE):
        if stale.abandoned(now):  # its worker is gone: end it so a new run may start
            stale.status, stale.finished_at = GenerationRun.Status.FAILED, now
            stale.error = "abandoned: no progress from the worker"
            stale.save(update_fields=["status", "finished_at", "error"])
    if period.generation_runs.filter(status__in=GenerationRun.ACTIVE).exists():
        raise ValidationError({"period": "a generation run for this period is already under way"})
    run = GenerationRun.objects.create(
        period=period,
        time_limit_s=time_limit_s,
        created_at=clock.now(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    jobs.schedule(JOB_KIND, {"run": run.pk}, clock.now(), f"roster.generate:{run.pk}")
    audit.record(
        actor=actor,
        action="roster.generation.start",
        object_type="roster_period",
        object_id=period.public_id,
        after={"run": run.public_id, "time_limit_s": time_limit_s},
    )
    return run


@transaction.atomic
def generation_stop(*, actor: User | None, run: GenerationRun) -> GenerationRun:
    """Ask a run to stop; it keeps and writes the best roster found so far."""
    run = GenerationRun.objects.select_for_update(of=("self",)).select_related("period__unit").get(pk=run.pk)
    _require_schedule(actor, run.period)
    if not run.active:
        raise ValidationError({"run": f"the run is already {run.get_status_display()}"})
    run.stop_requested = True
    run.save(update_fields=["stop_requested"])
    audit.record(
        actor=actor,
        action="roster.generation.stop",
        object_type="roster_period",
        object_id=run.period.public_id,
        after={"run": run.public_id},
    )
    return run


def _refused_index(error: ValidationError) -> int | None:
    for message in error.messages:
        found = _CELL.search(message)
        if found:
            return int(found.group(1))
    return None


@transaction.atomic
def generation_finish(
    *, run: GenerationRun, status: str, cells: Sequence[Cell], fields: dict[str, Any]
) -> GenerationRun:
    """Record the outcome; with cells, write them into the draft (re-checked cell by cell, refusals reported)."""
    run = (
        GenerationRun.objects.select_for_update(of=("self",))
        .select_related("period__unit", "created_by")
        .get(pk=run.pk)
    )
    actor = run.created_by
    refused: list[str] = []
    remaining = list(cells)
    written = 0
    while remaining:
        try:
            with transaction.atomic():
                roster_services.draft_fill(
                    actor=actor, period=run.period, cells=remaining, source=run.public_id, whole=True
                )
            written = len(remaining)
            break
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            index = _refused_index(error) if isinstance(error, ValidationError) else None
            if index is None or len(refused) >= MAX_REFUSALS:
                refused.append("; ".join(messages))
                status, written = GenerationRun.Status.FAILED, 0
                break
            day, shift_type, post, people = remaining.pop(index - 1)
            refused.append(f"{day} {shift_type.name} {post} ({', '.join(p.name for p in people)}): {messages[0]}")
    for name, value in fields.items():
        setattr(run, name, value)
    run.status, run.refused, run.written, run.finished_at = status, refused, written, clock.now()
    run.save()
    if not written:  # draft_fill audited the write; a run that wrote nothing is audited here
        audit.record(
            actor=actor,
            action="roster.generation.finish",
            object_type="roster_period",
            object_id=run.period.public_id,
            after={"run": run.public_id, "status": status, "refused": len(refused)},
        )
    return run
