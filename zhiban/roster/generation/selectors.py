"""Reads of generation runs and the fairness report, for the compilers of a period's unit only."""

from __future__ import annotations

from django.db.models import QuerySet

from zhiban.accounts.models import User
from zhiban.org.models import Unit
from zhiban.roster import selectors
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import RosterPeriod


def scheduler_period(*, user: User | None, public_id: str) -> RosterPeriod:
    """RosterPeriod.DoesNotExist when out of scope or when the user may not compile it."""
    period = selectors.period_get(user=user, public_id=public_id)
    if not selectors.can_schedule(user, period.unit):
        raise RosterPeriod.DoesNotExist
    return period


def runs_of(period: RosterPeriod) -> QuerySet[GenerationRun]:
    return period.generation_runs.select_related("created_by")


def run_get(*, user: User | None, public_id: str) -> GenerationRun:
    """GenerationRun.DoesNotExist when absent or when the user may not compile its period."""
    run = GenerationRun.objects.select_related("period__unit").get(public_id=public_id)
    visible = selectors.period_list(user=user).filter(pk=run.period_id).exists()
    if not visible or not selectors.can_schedule(user, run.period.unit):
        raise GenerationRun.DoesNotExist
    return run


def fairness_unit(*, user: User | None, public_id: str) -> Unit:
    """A unit whose roster the user compiles (Unit.DoesNotExist otherwise)."""
    unit = Unit.objects.get(public_id=public_id)
    if not selectors.can_schedule(user, unit):
        raise Unit.DoesNotExist
    return unit
