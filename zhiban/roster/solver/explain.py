"""Readable explanations: a pre-check of each hard cover requirement and pin against availability, and the costs."""

from __future__ import annotations

from collections import Counter

from zhiban.roster.solver.check import Evaluation
from zhiban.roster.solver.constraints.blocks import uncoverable
from zhiban.roster.solver.constraints.quotas import unmeetable
from zhiban.roster.solver.index import Index, qualified, works_type
from zhiban.roster.solver.model import Explanation, Problem


def precheck(problem: Problem) -> list[str]:
    """What cannot be covered and why, found without solving; empty when nothing obvious is wrong."""
    index = Index(problem)
    problems: list[str] = []
    slots = {(c.day, c.shift, c.post) for c in problem.cover}
    for pin in problem.pins:
        person, where = index.people.get(pin.person), f"{pin.person} pinned on day {pin.day} {pin.shift}"
        if person is None or (pin.day, pin.shift, pin.post) not in slots:
            problems.append(f"{where}: no such person or post")
        elif not qualified(person, index.posts[pin.post]) or not works_type(person, pin.shift):
            problems.append(f"{where}: not qualified for {index.posts[pin.post].title}")
        elif (pin.person, pin.day) in index.off:
            problems.append(f"{where}: unavailable ({', '.join(index.off[pin.person, pin.day])})")
    for c in problem.cover:
        if c.under_weight is not None or c.minimum <= 0:
            continue
        post = index.posts[c.post]
        able = [p for p in problem.people if qualified(p, post) and works_type(p, c.shift)]
        reasons = Counter(r for p in able for r in index.off.get((p.id, c.day), [])[:1])
        available = len(able) - sum(reasons.values())
        if available < c.minimum:
            why = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
            label = problem.days[c.day].label
            message = f"{label} {c.shift} {post.title}: {available} qualified people available, {c.minimum} needed"
            problems.append(message + (f" ({why})" if why else ""))
    problems += uncoverable(problem)
    problems += unmeetable(problem)
    pinned = Counter((p.day, p.shift, p.post) for p in problem.pins)
    for c in problem.cover:
        if c.maximum is not None and c.over_weight is None and pinned[c.day, c.shift, c.post] > c.maximum:
            problems.append(f"{problem.days[c.day].label} {c.shift}: more pinned people than the maximum {c.maximum}")
    return problems


def explanation(evaluation: Evaluation) -> Explanation:
    return Explanation(costs=evaluation.costs, points=evaluation.points)


NO_CAUSE_FOUND = (
    "Every post has enough qualified, available people on its own, but the per-person limits "
    "(minutes, consecutive days, days off, weekends, successions, pins) cannot all be met together."
)
