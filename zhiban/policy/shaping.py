"""The solver form of the rules: the facts of a roster period a rule reads, and the constraints it adds. Django-free.

A rule that constrains rosters defines, beside its CHECKS, a `shape(roster: RosterFacts, params) -> Shape`: the
cover, post requirements, blocks, windows, quotas, wishes and minimum rest that its checks will demand of the roster,
written as parts of the solver's problem (`zhiban.roster.solver`, pure Python on OR-Tools). The engine runs the shape
of every rule the organisation's pack implements (`engine.shape`), and generation only assembles the parts
(`roster/generation/problem.py`), so a generated draft meets the rules its publication checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from zhiban.roster.solver import model as solver

MEMBER = "unit_member"  # the qualification for the rotating post: belonging to the period's unit


@dataclass(frozen=True)
class ShiftFacts:
    """A shift type of the period: its code, name, start (minutes after midnight) and length, the kinds of day it runs
    on (workday / rest_day / holiday), how many people each post takes, and whether it is a night shift."""

    code: str
    name: str
    start: int
    minutes: int
    day_kinds: tuple[str, ...]
    posts: tuple[tuple[str, int], ...]
    night: bool = False

    def runs_on(self, kind: str) -> bool:
        return kind in self.day_kinds

    def headcount(self, post: str) -> int:
        return dict(self.posts).get(post, 0)


@dataclass(frozen=True)
class PostFacts:
    """A post of the roster (值班人员, 带班领导, 代班司机) and the role that fills it ("" for the rotating post)."""

    id: str
    label: str
    role: str = ""


@dataclass(frozen=True)
class PersonFacts:
    """Someone who may be rostered: roles held in the organisation, whether a member of the period's unit, job type
    code, grade (0 when none), whether in the general-affairs section, and duty points before the period."""

    id: str
    name: str
    roles: frozenset[str] = frozenset()
    member: bool = True
    job_type: str = ""
    grade: int = 0
    in_section: bool = False
    prior_points: float = 0.0


@dataclass(frozen=True)
class RosterFacts:
    """A roster period as the rules see it: its days with their kinds, its shifts and posts, the people, the rotating
    post with its order (person ids) and who held its last turn before the period, and who is away on which day."""

    dates: tuple[dt.date, ...]
    kinds: tuple[str, ...]  # per date: workday (make-up workdays included) / rest_day / holiday
    shifts: tuple[ShiftFacts, ...]
    posts: tuple[PostFacts, ...]
    people: tuple[PersonFacts, ...]
    rotating_post: str
    rotation: tuple[str, ...] = ()
    previous_holder: str | None = None
    away: frozenset[tuple[str, int]] = frozenset()  # (person id, day index)

    def cells(self) -> Iterator[tuple[int, ShiftFacts]]:
        """(day index, shift) of every shift run on its day."""
        for day, kind in enumerate(self.kinds):
            for shift in self.shifts:
                if shift.runs_on(kind):
                    yield day, shift


@dataclass(frozen=True)
class Shape:
    """What one rule adds to the solver's problem."""

    cover: tuple[solver.Cover, ...] = ()
    posts: tuple[solver.Post, ...] = ()
    unavailable: tuple[solver.Unavailability, ...] = ()
    blocks: tuple[solver.Block, ...] = ()
    windows: tuple[solver.Window, ...] = ()
    quotas: tuple[solver.Quota, ...] = ()
    wishes: tuple[solver.Wish, ...] = ()
    points: dict[tuple[str, str], float] = field(default_factory=dict)  # (solver day kind, shift code) → points
    min_rest_minutes: int | None = None


def merged(shapes: Iterable[Shape]) -> Shape:
    """The shapes of several rules together; a post defined twice takes the later definition, the longest rest wins."""
    shapes = list(shapes)
    posts: dict[str, solver.Post] = {}
    points: dict[tuple[str, str], float] = {}
    for shape in shapes:
        posts |= {post.id: post for post in shape.posts}
        points |= shape.points
    rests = [s.min_rest_minutes for s in shapes if s.min_rest_minutes is not None]
    return Shape(
        cover=tuple(c for s in shapes for c in s.cover),
        posts=tuple(posts.values()),
        unavailable=tuple(u for s in shapes for u in s.unavailable),
        blocks=tuple(b for s in shapes for b in s.blocks),
        windows=tuple(w for s in shapes for w in s.windows),
        quotas=tuple(q for s in shapes for q in s.quotas),
        wishes=tuple(w for s in shapes for w in s.wishes),
        points=points,
        min_rest_minutes=max(rests) if rests else None,
    )
