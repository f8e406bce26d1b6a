"""Builds the CP-SAT model of a problem: one Boolean per eligible (person, day, shift, post), then each family."""

from __future__ import annotations

from zhiban.roster.solver.constraints import (
    blocks,
    cover,
    daily,
    fairness,
    quotas,
    sequence,
    succession,
    weekends,
    windows,
    wishes,
    workload,
)
from zhiban.roster.solver.context import Context
from zhiban.roster.solver.index import Index
from zhiban.roster.solver.model import Problem

FAMILIES = (daily, cover, blocks, quotas, windows, workload, sequence, succession, weekends, wishes, fairness)


def build(problem: Problem) -> Context:
    index = Index(problem)
    ctx = Context(problem=problem, index=index)
    slots = sorted({(c.day, c.shift, c.post) for c in problem.cover})
    for p, person in enumerate(problem.people):
        for d, shift, post_id in slots:
            if index.eligible(person, d, shift, index.posts[post_id]):
                var = ctx.model.new_bool_var(f"x_{p}_{d}_{shift}_{post_id}")
                ctx.x[p, d, shift, post_id] = var
                ctx.by_day.setdefault((p, d), []).append(var)
                ctx.by_shift.setdefault((p, d, shift), []).append(var)
    for family in FAMILIES:
        family.add(ctx)
    ctx.model.minimize(sum(ctx.objective))
    return ctx
