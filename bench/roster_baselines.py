"""Two baseline rosterers for the synthetic benchmark: plain round-robin and least-recently-on-duty.

Round-robin is what GoAlert / PagerDuty rotations do: each post has its own rotation of the people
qualified for it, and the next person takes the next slot — leave, rest and double duty unseen.
Least-recently-on-duty is LinkedIn oncall's way: each slot goes to the qualified person who has been
off duty longest, skipping anyone on leave, already on duty that day, or barred by a forbidden succession.
"""

from __future__ import annotations

from collections import defaultdict

from zhiban.roster.solver import Assignment, Problem
from zhiban.roster.solver.index import Index, qualified, works_type


def _slots(problem: Problem) -> list[tuple[int, str, str, int]]:
    order = {s.id: i for i, s in enumerate(problem.shifts)}
    return sorted(
        ((c.day, c.shift, c.post, c.minimum) for c in problem.cover if c.minimum),
        key=lambda s: (s[0], order[s[1]], s[2]),
    )


def round_robin(problem: Problem) -> tuple[Assignment, ...]:
    index = Index(problem)
    rotations = {post.id: [p.id for p in problem.people if qualified(p, post)] for post in problem.posts}
    turn: dict[str, int] = defaultdict(int)
    roster = []
    for day, shift, post, need in _slots(problem):
        rotation = rotations[post]
        for _ in range(need):
            if not rotation:
                break
            roster.append(Assignment(rotation[turn[post] % len(rotation)], day, shift, post))
            turn[post] += 1
    del index
    return tuple(roster)


def least_recent(problem: Problem) -> tuple[Assignment, ...]:
    index = Index(problem)
    barred = index.successions()
    last: dict[str, int] = {}
    count: dict[str, int] = defaultdict(int)
    on_day: dict[tuple[str, int], str] = {}
    roster = []
    order = {p.id: i for i, p in enumerate(problem.people)}
    for day, shift, post_id, need in _slots(problem):
        post = index.posts[post_id]
        for _ in range(need):
            able = [
                p.id
                for p in problem.people
                if qualified(p, post)
                and works_type(p, shift)
                and (p.id, day) not in index.off
                and (p.id, day) not in on_day
                and (on_day.get((p.id, day - 1)), shift) not in barred
            ]
            if not able:
                break
            chosen = min(able, key=lambda pid: (last.get(pid, -1), count[pid], order[pid]))
            roster.append(Assignment(chosen, day, shift, post_id))
            last[chosen], on_day[chosen, day] = day, shift
            count[chosen] += 1
    return tuple(roster)
