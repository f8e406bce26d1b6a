"""At most MaxWeekends weekends with a shift on Saturday or Sunday."""

from __future__ import annotations

from zhiban.roster.solver.context import Context


def add(ctx: Context) -> None:
    m = ctx.model
    weekends = ctx.index.weekends()
    for p, person in enumerate(ctx.problem.people):
        most = person.limits.max_weekends
        if most is None or most >= len(weekends):
            continue
        flags = []
        for key, days in weekends.items():
            f = m.new_bool_var(f"we_{p}_{key}")
            for d in days:  # f ≥ each worked weekend day, as linear rows the default LP relaxation keeps
                m.add(f >= ctx.work[p, d])
            flags.append(f)
        m.add(sum(flags) <= most)
