"""Fairness: the spread (max − min) of year-to-date points after the period, weighted, in hundredths of a point."""

from __future__ import annotations

from zhiban.roster.solver.context import Context
from zhiban.roster.solver.model import POINT_SCALE


def scaled(value: float) -> int:
    return round(value * POINT_SCALE)


def add(ctx: Context) -> None:
    f = ctx.problem.fairness
    if f is None or not f.weight or len(ctx.problem.people) < 2:
        return
    m = ctx.model
    totals = []
    for p, person in enumerate(ctx.problem.people):
        gained = [scaled(ctx.index.day_points(k[1], k[2])) * v for k, v in ctx.x.items() if k[0] == p]
        totals.append(scaled(person.prior_points) + sum(gained))
    most = max((abs(scaled(v)) for v in f.points.values()), default=0)
    top = max(abs(scaled(person.prior_points)) for person in ctx.problem.people) + most * ctx.horizon
    high, low = m.new_int_var(-top, top, "points_max"), m.new_int_var(-top, top, "points_min")
    m.add_max_equality(high, totals)
    m.add_min_equality(low, totals)
    ctx.objective.append(f.weight * (high - low))
