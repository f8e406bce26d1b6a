"""Wishes: an unmet on-request costs its weight, a met off-request costs its weight."""

from __future__ import annotations

from zhiban.roster.solver.context import Context


def add(ctx: Context) -> None:
    people = {person.id: i for i, person in enumerate(ctx.problem.people)}
    for wish in ctx.problem.wishes:
        p = people[wish.person]
        on_duty = ctx.on(p, wish.day, wish.shift) if wish.shift is not None else [ctx.work[p, wish.day]]
        assigned = sum(on_duty)
        ctx.objective.append(wish.weight * (1 - assigned) if wish.on else wish.weight * assigned)
