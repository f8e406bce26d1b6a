"""Consecutive working days (max and min) and consecutive days off (min); blocks touching the edges are exempt."""

from __future__ import annotations

from ortools.sat.python import cp_model

from zhiban.roster.solver.context import Context


def _min_blocks(m: cp_model.CpModel, lits: list[cp_model.IntVar], shortest: int, working: bool) -> None:
    """A block of (working or free) days starting on day d ≥ 1 goes on to d + k for k < shortest, inside the horizon.

    Posted as `in[d+k] ≥ in[d] − in[d−1]`: three variables per row, which imply the usual clause per short block
    and keep a tighter LP relaxation.
    """
    horizon = len(lits)
    for d in range(1, horizon):
        for k in range(1, min(shortest, horizon - d)):
            if working:
                m.add(lits[d + k] + lits[d - 1] - lits[d] >= 0)
            else:  # (1 − w[d+k]) ≥ (1 − w[d]) − (1 − w[d−1])
                m.add(lits[d + k] + lits[d - 1] - lits[d] <= 1)


def add(ctx: Context) -> None:
    m = ctx.model
    for p, person in enumerate(ctx.problem.people):
        limits = person.limits
        lits = [ctx.work[p, d] for d in range(ctx.horizon)]
        most = limits.max_consecutive_days
        if most is not None and most < ctx.horizon:
            for start in range(ctx.horizon - most):
                m.add(sum(lits[start : start + most + 1]) <= most)
        if limits.min_consecutive_days:
            _min_blocks(m, lits, limits.min_consecutive_days, working=True)
        if limits.min_consecutive_days_off:
            _min_blocks(m, lits, limits.min_consecutive_days_off, working=False)
