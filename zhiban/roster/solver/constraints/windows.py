"""Windows: each person holds a post of a shift on at most so many of a set of days (ROS-02 rest days one each)."""

from __future__ import annotations

from zhiban.roster.solver.context import Context


def add(ctx: Context) -> None:
    for w in ctx.problem.windows:
        for p in range(len(ctx.problem.people)):
            held = [var for d in w.days if (var := ctx.x.get((p, d, w.shift, w.post))) is not None]
            if len(held) > w.maximum:
                ctx.model.add(sum(held) <= w.maximum)
