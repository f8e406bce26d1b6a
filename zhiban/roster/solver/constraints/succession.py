"""Forbidden successions (shift a, then shift b on the next day), including those breaking the minimum rest."""

from __future__ import annotations

from zhiban.roster.solver.context import Context


def add(ctx: Context) -> None:
    pairs = ctx.index.successions()
    for p in range(len(ctx.problem.people)):
        for d in range(ctx.horizon - 1):
            for a, b in pairs:
                first, then = ctx.on(p, d, a), ctx.on(p, d + 1, b)
                if first and then:
                    ctx.model.add(sum(first) + sum(then) <= 1)
