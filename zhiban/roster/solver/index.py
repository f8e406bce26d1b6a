"""Look-ups shared by the model builder, the checker and the pre-check: ids to objects, who may fill which post."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhiban.roster.solver.model import Person, Post, Problem


def qualified(person: Person, post: Post) -> bool:
    """Whether the person may fill the post (qualification, job type, grade)."""
    if post.qualification is not None and post.qualification not in person.qualifications:
        return False
    if post.job_types and person.job_type not in post.job_types:
        return False
    return post.min_grade is None or person.grade >= post.min_grade


def works_type(person: Person, shift: str) -> bool:
    """A per-type maximum of 0 means the person never works that shift type."""
    return person.limits.max_shifts.get(shift, 1) != 0


@dataclass
class Index:
    problem: Problem
    people: dict[str, Person] = field(init=False)
    posts: dict[str, Post] = field(init=False)
    shifts: dict[str, int] = field(init=False)
    off: dict[tuple[str, int], list[str]] = field(init=False)

    def __post_init__(self) -> None:
        p = self.problem
        self.people = {x.id: x for x in p.people}
        self.posts = {x.id: x for x in p.posts}
        self.shifts = {s.id: i for i, s in enumerate(p.shifts)}
        self.off = {}
        for u in p.unavailable:
            self.off.setdefault((u.person, u.day), []).append(u.reason)

    def eligible(self, person: Person, day: int, shift: str, post: Post) -> bool:
        return qualified(person, post) and works_type(person, shift) and (person.id, day) not in self.off

    def successions(self) -> set[tuple[str, str]]:
        """Forbidden (a, b) pairs: listed ones plus those leaving less than the minimum rest between them."""
        pairs = set(self.problem.forbidden_successions)
        rest = self.problem.min_rest_minutes
        if rest is not None:
            for a in self.problem.shifts:
                for b in self.problem.shifts:
                    if 24 * 60 + b.start - a.end < rest:
                        pairs.add((a.id, b.id))
        return pairs

    def weekends(self) -> dict[int, list[int]]:
        """Saturday and Sunday day indexes grouped by weekend (keyed by the index of that week's Monday)."""
        groups: dict[int, list[int]] = {}
        for d, day in enumerate(self.problem.days):
            if day.weekday >= 5:
                groups.setdefault(d - day.weekday, []).append(d)
        return groups

    def day_points(self, day: int, shift: str) -> float:
        f = self.problem.fairness
        if f is None:
            return 0.0
        return f.points.get((self.problem.days[day].kind, shift), 0.0)
