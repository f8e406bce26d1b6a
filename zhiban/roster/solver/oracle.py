"""Brute-force optimum of a tiny problem (a few people, days and shifts): every roster tried, scored by the checker."""

from __future__ import annotations

import itertools

from zhiban.roster.solver.check import evaluate
from zhiban.roster.solver.model import Assignment, Problem

LIMIT = 200_000


def optimum(problem: Problem) -> tuple[int, tuple[Assignment, ...]] | None:
    """The lowest objective over all rosters without a hard violation (None when there is none)."""
    slots = sorted({(c.day, c.shift, c.post) for c in problem.cover})
    choices = []
    for person in problem.people:
        for d in range(len(problem.days)):
            today = [Assignment(person.id, d, shift, post) for day, shift, post in slots if day == d]
            choices.append([None, *today])
    size = 1
    for c in choices:
        size *= len(c)
    if size > LIMIT:
        raise ValueError(f"{size} rosters is too many for brute force")
    best: tuple[int, tuple[Assignment, ...]] | None = None
    for picks in itertools.product(*choices):
        roster = tuple(a for a in picks if a is not None)
        result = evaluate(problem, roster)
        if result.feasible and (best is None or result.objective < best[0]):
            best = (result.objective, roster)
    return best
