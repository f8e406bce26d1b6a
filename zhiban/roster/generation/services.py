"""Generation writes: start and stop a run (audited, by whoever may compile the period), and write its result.

The result goes into the draft through `roster.services.draft_fill`, which checks every cell as a single
edit would (ORG-03 through the rule engine, ROS-01 posts and qualifications). A cell it refuses is left out
and reported on the run with its rule and message (draft_fill returns the refusals as data); the rest is written
at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.accounts.models import User
from zhiban.core import audit, clock, jobs
from zhiban.org.models import Person
from zhiban.roster import selectors
from zhiban.roster import services as roster_services
from zhiban.roster.cells import CellRefusal
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import RosterPeriod, ShiftType

JOB_KIND = "roster.generate"
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 1, 600
MAX_REFUSALS = 50

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
    # ROS-03 change_only_by_request: a published roster without a draft changes only through a correction
    roster_services.enforce_change(
        period, published=period.status == RosterPeriod.Status.PUBLISHED and selectors.draft_of(period) is None
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


class _TooManyRefusals(Exception):
    def __init__(self, refused: Sequence[CellRefusal]) -> None:
        self.refused = refused


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
    written = 0
    if cells:
        try:
            with transaction.atomic():
                fill = roster_services.draft_fill(
                    actor=actor, period=run.period, cells=cells, source=run.public_id, whole=True, keep_going=True
                )
                if len(fill.refused) > MAX_REFUSALS:
                    raise _TooManyRefusals(fill.refused)  # undone: a roster this far from the rules is not written
            refused = [refusal.line() for refusal in fill.refused]
            written = len(cells) - len(fill.refused)
        except _TooManyRefusals as too_many:
            refused = [refusal.line() for refusal in too_many.refused[: MAX_REFUSALS + 1]]
            status = GenerationRun.Status.FAILED
        except (ValidationError, PermissionDenied) as error:
            refused = ["; ".join(error.messages if isinstance(error, ValidationError) else [str(error)])]
            status = GenerationRun.Status.FAILED
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
