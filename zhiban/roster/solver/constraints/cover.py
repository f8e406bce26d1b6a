"""Cover: people per day, shift and post within [minimum, maximum], hard or weighted per side."""

from __future__ import annotations

from zhiban.roster.solver.context import Context


def add(ctx: Context) -> None:
    m = ctx.model
    n = len(ctx.problem.people)
    for c in ctx.problem.cover:
        count = sum(ctx.x[k] for p in range(n) if (k := (p, c.day, c.shift, c.post)) in ctx.x)
        if c.minimum > 0:
            if c.under_weight is None:
                m.add(count >= c.minimum)
            elif c.under_weight > 0:
                short = m.new_int_var(0, c.minimum, f"under_{c.day}_{c.shift}_{c.post}")
                m.add(short >= c.minimum - count)
                ctx.objective.append(c.under_weight * short)
        if c.maximum is not None:
            if c.over_weight is None:
                m.add(count <= c.maximum)
            elif c.over_weight > 0:
                excess = m.new_int_var(0, n, f"over_{c.day}_{c.shift}_{c.post}")
                m.add(excess >= count - c.maximum)
                ctx.objective.append(c.over_weight * excess)
