"""Consecutive working days (max and min) and consecutive days off (min); blocks touching the edges are exempt."""

from __future__ import annotations

from ortools.sat.python import cp_model

from zhiban.roster.solver.context import Context


def _forbid_short_blocks(m: cp_model.CpModel, lits: list[cp_model.IntVar], shortest: int, working: bool) -> None:
    """No inner block of `working` days shorter than `shortest` (a block needs a neighbour on both sides)."""
    horizon = len(lits)

    def inside(v: cp_model.IntVar) -> cp_model.LinearExprT:
        return v if working else 1 - v

    for length in range(1, shortest):
        for start in range(1, horizon - length):
            end = start + length  # the day after the block, still inside the horizon
            clause = [inside(lits[start - 1]), inside(lits[end])]  # a neighbour is also inside → not a block
            clause += [1 - inside(lits[d]) for d in range(start, end)]  # or a day in it is outside
            m.add(sum(clause) >= 1)  # linear, not add_bool_or: the default LP relaxation then sees it


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
            _forbid_short_blocks(m, lits, limits.min_consecutive_days, working=True)
        if limits.min_consecutive_days_off:
            _forbid_short_blocks(m, lits, limits.min_consecutive_days_off, working=False)
