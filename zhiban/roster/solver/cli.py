"""`zhiban solver curtois`: solve a Curtois–Qu instance, write the roster CSV, return the one-line JSON summary."""

from __future__ import annotations

from pathlib import Path

from zhiban.roster.solver import curtois
from zhiban.roster.solver.model import Options
from zhiban.roster.solver.solve import solve


def run_curtois(
    instance: str | Path, *, time_limit: float, workers: int, out: str | Path | None, seed: int = 0
) -> dict[str, object]:
    problem = curtois.load(instance)
    result = solve(problem, Options(time_limit_s=time_limit, workers=workers, seed=seed))
    if out is not None:
        curtois.write_csv(out, result.assignments)
    return {
        "instance": problem.name,
        "status": result.status.value,
        "objective": result.objective,
        "bound": None if result.bound is None else round(result.bound),
        "wall_s": round(result.wall_s, 3),
    }
