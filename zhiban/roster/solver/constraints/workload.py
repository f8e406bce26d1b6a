"""Per-person workload: maximum shifts of each type, total minutes within [min, max]."""

from __future__ import annotations

from zhiban.roster.solver.context import Context


def add(ctx: Context) -> None:
    m = ctx.model
    minutes = {s.id: s.minutes for s in ctx.problem.shifts}
    for p, person in enumerate(ctx.problem.people):
        limits = person.limits
        for shift, most in limits.max_shifts.items():
            m.add(sum(v for d in range(ctx.horizon) for v in ctx.on(p, d, shift)) <= most)
        if limits.min_minutes is None and limits.max_minutes is None:
            continue
        total = sum(minutes[k[2]] * v for k, v in ctx.x.items() if k[0] == p)
        if limits.min_minutes is not None:
            m.add(total >= limits.min_minutes)
        if limits.max_minutes is not None:
            m.add(total <= limits.max_minutes)
