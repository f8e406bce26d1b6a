"""The `roster.generate` job: solve a period in the background with progress, honour stop, write the result.

The handler only hands the run to a thread once the job's own transaction has committed: a solve lasts
seconds to minutes and must hold no database lock meanwhile (SQLite takes the write lock at BEGIN). The
thread runs `execute`, which solves in a helper thread while it writes progress (best objective, bound,
elapsed) to the run row and reads the stop request, all on its own connection.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import asdict
from typing import Any

from django.db import connection, transaction

from zhiban.core import clock, jobs, operations
from zhiban.roster import solver
from zhiban.roster.generation import services
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.generation.problem import build_problem

TICK_S = 0.25
HEARTBEAT_S = 1.0
STOP_GRACE_S = 2.0  # a stop asked before any roster is found waits this long for a first one

_threads: dict[int, threading.Thread] = {}


@jobs.job_handler(services.JOB_KIND)
def generate(payload: dict[str, Any]) -> None:
    """Start the run's solve once this job is committed (a stale or finished run: nothing)."""
    run = GenerationRun.objects.filter(pk=payload["run"], status=GenerationRun.Status.QUEUED).first()
    if run is None:
        return
    transaction.on_commit(lambda: launch(run.pk))


def launch(run_id: int) -> threading.Thread:
    thread = threading.Thread(target=_in_thread, args=(run_id,), name=f"generate-{run_id}")
    _threads[run_id] = thread
    thread.start()
    return thread


def _in_thread(run_id: int) -> None:
    try:
        with operations.operation():
            execute(run_id)
    finally:
        _threads.pop(run_id, None)
        connection.close()


def _explanation(explanation: solver.Explanation, built: Any) -> dict[str, Any]:
    names = {pid: person.name for pid, person in built.people.items()}
    return {
        "points": [
            {"person": names.get(p.person, p.person), "before": p.before, "after": p.after} for p in explanation.points
        ],
        "costs": [asdict(c) for c in explanation.costs],
        "infeasible": list(explanation.infeasible),
        "excluded": built.excluded,
    }


def execute(run_id: int) -> GenerationRun | None:
    """Solve the run's period and record the outcome; returns the finished run (None when it was stale)."""
    claimed = GenerationRun.objects.filter(pk=run_id, status=GenerationRun.Status.QUEUED).update(
        status=GenerationRun.Status.RUNNING, heartbeat_at=clock.now()
    )
    if not claimed:
        return None
    run = GenerationRun.objects.select_related("period__unit").get(pk=run_id)
    try:
        return _solve_and_write(run)
    except Exception:  # the run must end visibly, whatever happened
        GenerationRun.objects.filter(pk=run_id).update(
            status=GenerationRun.Status.FAILED, error=traceback.format_exc()[-4000:], finished_at=clock.now()
        )
        return GenerationRun.objects.get(pk=run_id)


def _solve_and_write(run: GenerationRun) -> GenerationRun:
    built = build_problem(run.period)
    latest: list[solver.Progress] = []
    wanted, halt = threading.Event(), threading.Event()

    def on_progress(progress: solver.Progress) -> None:
        latest.append(progress)
        if wanted.is_set():  # stop at this solution: it is kept
            halt.set()

    options = solver.Options(time_limit_s=run.time_limit_s, workers=2, on_progress=on_progress, stop=halt)
    outcome: list[solver.Result] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcome.append(solver.solve(built.problem, options))
        except BaseException as error:
            failure.append(error)

    asked_at: float | None = None
    if GenerationRun.objects.filter(pk=run.pk, stop_requested=True).exists():
        wanted.set()
        asked_at = 0.0
    started = last_beat = time.monotonic()
    helper = threading.Thread(target=work, name=f"solve-{run.pk}")
    helper.start()
    reported = 0
    while helper.is_alive():
        helper.join(TICK_S)
        elapsed = time.monotonic() - started
        if len(latest) != reported:
            reported = len(latest)
            best = latest[-1]
            GenerationRun.objects.filter(pk=run.pk).update(
                best_objective=best.objective,
                bound=best.bound,
                elapsed_s=round(elapsed, 2),
                solutions=best.solutions,
                heartbeat_at=clock.now(),
            )
            last_beat = time.monotonic()
        elif time.monotonic() - last_beat >= HEARTBEAT_S:  # the elapsed time moves on in the panel
            GenerationRun.objects.filter(pk=run.pk).update(elapsed_s=round(elapsed, 2), heartbeat_at=clock.now())
            last_beat = time.monotonic()
        if not wanted.is_set() and GenerationRun.objects.filter(pk=run.pk, stop_requested=True).exists():
            wanted.set()
            asked_at = elapsed
            if latest:
                halt.set()
        if wanted.is_set() and asked_at is not None and elapsed - asked_at > STOP_GRACE_S:
            halt.set()
    if failure:
        raise failure[0]
    result = outcome[0]
    fields = {
        "solver_status": str(result.status),
        "elapsed_s": round(result.wall_s, 2),
        "best_objective": result.objective,
        "bound": result.bound,
        "solutions": max(run.solutions, len(latest)),
        "explanation": _explanation(result.explanation, built),
    }
    if result.status in (solver.Status.OPTIMAL, solver.Status.FEASIBLE):
        status = GenerationRun.Status.STOPPED if wanted.is_set() else GenerationRun.Status.DONE
        return services.generation_finish(run=run, status=status, cells=built.cells(result.assignments), fields=fields)
    if result.status is solver.Status.INFEASIBLE:
        status = GenerationRun.Status.INFEASIBLE
    else:
        status = GenerationRun.Status.STOPPED if wanted.is_set() else GenerationRun.Status.FAILED
        fields["error"] = "no roster was found in the time given"
    return services.generation_finish(run=run, status=status, cells=[], fields=fields)
