"""A plain CP-SAT model of a Curtois–Qu instance, the yardstick the Roster issue compares our solver with.

One Boolean per person, day and shift; each rule posted in its most direct form (a clause per forbidden short block,
a sliding window per maximum run); CP-SAT's default parameters with the given workers and seed. It shares only the
instance reader with `zhiban.roster.solver`, so it cannot inherit that model's choices.
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from zhiban.roster.solver.curtois import load


def _short_blocks(m: cp_model.CpModel, lits: list[Any], shortest: int) -> None:
    """No block of true literals shorter than `shortest` that starts after day 0 and ends before the last day."""
    n = len(lits)
    for length in range(1, shortest):
        for start in range(1, n - length):
            end = start + length  # the day after the block, inside the horizon
            m.add_bool_or([lits[start - 1], *[~v for v in lits[start:end]], lits[end]])


def _given(value: int | None) -> int:
    """Curtois files give every limit and weight; the shared dataclasses allow None for other uses."""
    if value is None:
        raise ValueError("a Curtois instance gives every staff limit and cover weight")
    return value


def solve(path: str, time_limit: float, workers: int = 2, seed: int = 0) -> dict[str, Any]:
    problem = load(path)
    started = time.perf_counter()
    m = cp_model.CpModel()
    n, horizon = len(problem.people), len(problem.days)
    shifts = [s.id for s in problem.shifts]
    minutes = {s.id: s.minutes for s in problem.shifts}
    off = {(u.person, u.day) for u in problem.unavailable}
    x = {(p, d, s): m.new_bool_var(f"x{p}_{d}_{s}") for p in range(n) for d in range(horizon) for s in shifts}
    objective: list[Any] = []
    for p, person in enumerate(problem.people):
        limits = person.limits
        work = []
        for d in range(horizon):
            day = [x[p, d, s] for s in shifts]
            m.add_at_most_one(day)
            if (person.id, d) in off:
                m.add(sum(day) == 0)
            w = m.new_bool_var(f"w{p}_{d}")
            m.add(w == sum(day))
            work.append(w)
        for s, most in limits.max_shifts.items():
            m.add(sum(x[p, d, s] for d in range(horizon)) <= most)
        total = sum(minutes[s] * x[p, d, s] for d in range(horizon) for s in shifts)
        m.add(total <= _given(limits.max_minutes))
        m.add(total >= _given(limits.min_minutes))
        most_run = _given(limits.max_consecutive_days)
        for start in range(horizon - most_run):
            m.add(sum(work[start : start + most_run + 1], cp_model.LinearExpr.constant(0)) <= most_run)
        _short_blocks(m, work, limits.min_consecutive_days or 1)
        _short_blocks(m, [~w for w in work], limits.min_consecutive_days_off or 1)
        flags = []
        for first in range(5, horizon, 7):
            f = m.new_bool_var(f"we{p}_{first}")
            m.add_max_equality(f, [work[first], work[first + 1]])
            flags.append(f)
        m.add(sum(flags, cp_model.LinearExpr.constant(0)) <= _given(limits.max_weekends))
        for d in range(horizon - 1):
            for a, b in problem.forbidden_successions:
                m.add_bool_or([~x[p, d, a], ~x[p, d + 1, b]])
    people = {person.id: i for i, person in enumerate(problem.people)}
    for wish in problem.wishes:
        v = x[people[wish.person], wish.day, str(wish.shift)]
        objective.append(wish.weight * (1 - v) if wish.on else wish.weight * v)
    for c in problem.cover:
        count = sum(x[p, c.day, c.shift] for p in range(n))
        under, over = m.new_int_var(0, c.minimum, ""), m.new_int_var(0, n, "")
        m.add(count + under - over == c.minimum)
        objective += [_given(c.under_weight) * under, _given(c.over_weight) * over]
    m.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(m)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return {
        "instance": problem.name,
        "status": solver.status_name(code).lower(),
        "objective": round(solver.objective_value) if found else None,
        "bound": round(solver.best_objective_bound, 3),
        "wall_s": round(time.perf_counter() - started, 3),
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(solve(sys.argv[1], float(sys.argv[2]), seed=int(sys.argv[3]) if len(sys.argv) > 3 else 0)))
