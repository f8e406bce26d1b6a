"""API: start a generation run on a period, read its progress and outcome, ask it to stop (ROS-04).

Only the compilers of the period's unit see runs; anyone else gets 404, bad input 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from zhiban.accounts.models import User
from zhiban.core.api_errors import errors
from zhiban.roster.generation import selectors, services
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import RosterPeriod

router = Router(tags=["roster generation"])


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class StartIn(Schema):
    time_limit_s: int = 20


class RunOut(Schema):
    public_id: str
    period: str
    status: str
    stop_requested: bool
    time_limit_s: int
    best_objective: float | None
    bound: float | None
    elapsed_s: float
    solutions: int
    written: int
    refused: list[str]
    explanation: dict[str, Any]
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_period(run: GenerationRun) -> str:
        return run.period.public_id


def _run(request: HttpRequest, public_id: str) -> GenerationRun:
    try:
        return selectors.run_get(user=_caller(request), public_id=public_id)
    except GenerationRun.DoesNotExist as error:
        raise Http404 from error


@router.post("/periods/{public_id}/generation", response={201: RunOut, **errors(400, 403, 404, 422)})
def start(request: HttpRequest, public_id: str, payload: StartIn) -> Status:
    """Queue a generation run for the period's draft (a background job; poll the run for progress)."""
    try:
        period = selectors.scheduler_period(user=_caller(request), public_id=public_id)
    except RosterPeriod.DoesNotExist as error:
        raise Http404 from error
    run = services.generation_start(actor=_caller(request), period=period, time_limit_s=payload.time_limit_s)
    return Status(201, run)


@router.get("/generation/{public_id}", response={200: RunOut, **errors(404, 422)})
def status(request: HttpRequest, public_id: str) -> GenerationRun:
    """Progress (best objective, bound, elapsed) while running; the outcome and explanation once finished."""
    return _run(request, public_id)


@router.post("/generation/{public_id}/stop", response={200: RunOut, **errors(403, 404, 422)})
def stop(request: HttpRequest, public_id: str) -> GenerationRun:
    """Ask the run to stop; it writes the best roster found so far."""
    return services.generation_stop(actor=_caller(request), run=_run(request, public_id))
