"""Solves a problem with CP-SAT: time limit, workers, progress reports, a stop flag; the result re-checked."""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

from zhiban.roster.solver.build import build
from zhiban.roster.solver.check import evaluate
from zhiban.roster.solver.columns import generate, separable
from zhiban.roster.solver.context import Context
from zhiban.roster.solver.explain import NO_CAUSE_FOUND, explanation, precheck
from zhiban.roster.solver.model import Assignment, Explanation, Options, Problem, Progress, Result, Status

# A restricted-master roster is a good start only close to the bound; a poor one leads the search astray.
CLOSE_START = 1.01

STATUSES = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.MODEL_INVALID: Status.UNKNOWN,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution and stops the search when the stop flag is set."""

    def __init__(self, options: Options, started: float, bound: int | None) -> None:
        super().__init__()
        self.options, self.started, self.solutions, self.bound = options, started, 0, bound

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.options.on_progress is not None:
            wall = time.perf_counter() - self.started
            self.options.on_progress(Progress(self.objective_value, self.best_objective_bound, wall, self.solutions))
        if self.options.stop is not None and self.options.stop.is_set():
            self.stop_search()
        if self.bound is not None and self.objective_value <= self.bound:
            self.stop_search()  # proven optimal by the column-generation bound


def _watch(stop: threading.Event, solver: cp_model.CpSolver, done: threading.Event) -> None:
    """Stops the solver when the flag is set even if no new solution arrives to check it."""
    while not done.wait(0.05):
        if stop.is_set():
            solver.stop_search()  # repeated until the search ends: a call before it starts would be lost


def _assignments(ctx: Context, solver: cp_model.CpSolver) -> tuple[Assignment, ...]:
    people = ctx.problem.people
    return tuple(
        Assignment(people[p].id, d, shift, post) for (p, d, shift, post), v in ctx.x.items() if solver.boolean_value(v)
    )


def _column_phase(problem: Problem, options: Options, started: float) -> tuple[tuple[Assignment, ...], int | None]:
    """Column generation first where it applies: (the hints to give CP-SAT, a proven lower bound or None)."""
    if options.column_share <= 0 or not separable(problem):
        return options.hints, None
    columns = generate(
        problem, options.time_limit_s * options.column_share, options.workers, options.seed, options.stop
    )
    if not columns.converged or columns.bound is None:
        return options.hints, None
    # The bound is not posted as a constraint (that slows CP-SAT's search down): the search stops on reaching it.
    if columns.start_objective is None or columns.start_objective > columns.bound * CLOSE_START:
        return options.hints, columns.bound
    if options.on_progress is not None:
        wall = time.perf_counter() - started
        options.on_progress(Progress(columns.start_objective, columns.bound, wall, 0))
    return columns.start, columns.bound


def solve(problem: Problem, options: Options | None = None) -> Result:
    options = options or Options()
    started = time.perf_counter()
    reasons = precheck(problem)
    if reasons:
        return Result(
            Status.INFEASIBLE, (), None, None, time.perf_counter() - started, Explanation(infeasible=tuple(reasons))
        )
    ctx = build(problem)
    hints, known = _column_phase(problem, options, started)
    people = {person.id: i for i, person in enumerate(problem.people)}
    for hint in hints:
        var = ctx.x.get((people.get(hint.person, -1), hint.day, hint.shift, hint.post))
        if var is not None:
            ctx.model.add_hint(var, 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(options.time_limit_s - (time.perf_counter() - started), 0.01)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    if options.workers >= 2:
        solver.parameters.subsolvers.extend(options.subsolvers)
    else:
        solver.parameters.linearization_level = 2
    done = threading.Event()
    if options.stop is not None:
        threading.Thread(target=_watch, args=(options.stop, solver, done), daemon=True).start()
    try:
        code = solver.solve(ctx.model, _Reporter(options, started, known))
    finally:
        done.set()
    status, wall = STATUSES[code], time.perf_counter() - started
    if status is Status.INFEASIBLE:
        return Result(status, (), None, None, wall, Explanation(infeasible=(NO_CAUSE_FOUND,)))
    if status is Status.UNKNOWN:
        return Result(status, (), None, solver.best_objective_bound, wall, Explanation())
    roster = _assignments(ctx, solver)
    checked = evaluate(problem, roster)
    # The model's objective on the returned solution: equal to the checker's at the optimum; above it when a feasible
    # solution leaves slack in a shortfall or spread variable (the roster's true cost is the checker's).
    modelled = sum(solver.value(term) for term in ctx.objective)
    drift = checked.objective > modelled or (status is Status.OPTIMAL and checked.objective != modelled)
    if checked.hard or drift:  # the two forms of a rule drifted apart: a bug, say so
        raise AssertionError(f"solver and checker disagree: {checked.hard[:3]}, {checked.objective} vs {modelled}")
    objective, bound = checked.objective, solver.best_objective_bound
    if known is not None:
        bound = max(bound, known)
        if objective <= known:
            status = Status.OPTIMAL
    return Result(status, roster, objective, bound, wall, explanation(checked))
