"""Quotas: at least so many people of a grade among those on a post of a shift on a day (ROS-01 senior per shift)."""

from __future__ import annotations

from zhiban.roster.solver.context import Context
from zhiban.roster.solver.index import Index
from zhiban.roster.solver.model import Problem


def add(ctx: Context) -> None:
    for q in ctx.problem.quotas:
        senior = [
            var
            for p, person in enumerate(ctx.problem.people)
            if person.grade >= q.min_grade and (var := ctx.x.get((p, q.day, q.shift, q.post))) is not None
        ]
        ctx.model.add(sum(senior) >= q.minimum)


def unmeetable(problem: Problem) -> list[str]:
    """Quotas that too few people of the grade could meet on their day."""
    index = Index(problem)
    found = []
    for q in problem.quotas:
        post = index.posts[q.post]
        able = [p for p in problem.people if p.grade >= q.min_grade and index.eligible(p, q.day, q.shift, post)]
        if len(able) < q.minimum:
            where = f"{problem.days[q.day].label} {q.shift} {post.title}"
            found.append(f"{where}: {len(able)} people of grade {q.min_grade} or above available, {q.minimum} needed")
    return found
