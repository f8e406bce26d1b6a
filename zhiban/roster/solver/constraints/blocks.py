"""Blocks: the same people hold a post of a shift on every day of a block (ROS-02 weekday blocks)."""

from __future__ import annotations

from zhiban.roster.solver.context import Context
from zhiban.roster.solver.index import Index
from zhiban.roster.solver.model import Problem


def add(ctx: Context) -> None:
    for block in ctx.problem.blocks:
        (first, first_shift), *rest = block.cells()
        for p in range(len(ctx.problem.people)):
            head = ctx.x.get((p, first, first_shift, block.post))
            for d, shift in rest:
                var = ctx.x.get((p, d, shift, block.post))
                if head is None and var is None:
                    continue
                ctx.model.add((head if head is not None else 0) == (var if var is not None else 0))


def uncoverable(problem: Problem) -> list[str]:
    """Blocks that need someone but where nobody may hold the post on every one of their days."""
    index = Index(problem)
    needed = {(c.day, c.shift, c.post) for c in problem.cover if c.minimum > 0 and c.under_weight is None}
    problems = []
    for block in problem.blocks:
        if not any((d, shift, block.post) in needed for d, shift in block.cells()):
            continue
        post = index.posts[block.post]
        if any(all(index.eligible(p, d, shift, post) for d, shift in block.cells()) for p in problem.people):
            continue
        first, last = problem.days[block.days[0]].label, problem.days[block.days[-1]].label
        where = f"{first}–{last} {block.shift} {post.title}".rstrip()
        problems.append(f"{where}: nobody qualified is available on all {len(block.days)} days of the block")
    return problems
