"""At most one shift a day, the worked-day literals, and pinned assignments."""

from __future__ import annotations

from zhiban.roster.solver.context import Context


def add(ctx: Context) -> None:
    m = ctx.model
    for p in range(len(ctx.problem.people)):
        for d in range(ctx.horizon):
            w = m.new_bool_var(f"w_{p}_{d}")
            m.add(w == sum(ctx.by_day.get((p, d), [])))
            ctx.work[p, d] = w
    people = {person.id: i for i, person in enumerate(ctx.problem.people)}
    for pin in ctx.problem.pins:
        var = ctx.x.get((people[pin.person], pin.day, pin.shift, pin.post))
        if var is not None:  # a pin without a variable is reported by the pre-check
            m.add(var == 1)
