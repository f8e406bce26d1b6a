"""The solver's input and output as frozen dataclasses: people, days, shifts, posts, cover, limits, wishes, results."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

POINT_SCALE = 100  # fairness points are counted in hundredths inside the model


@dataclass(frozen=True)
class ShiftType:
    """A kind of duty (班次): its length and its start, in minutes after midnight of the day it belongs to."""

    id: str
    minutes: int
    start: int = 0

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class Day:
    """One day of the period: a label for messages (e.g. "2026-10-03"), its weekday (0 = Monday) and its kind."""

    label: str
    weekday: int
    kind: str = "weekday"  # e.g. weekday / weekend / holiday: the key of the fairness point table


@dataclass(frozen=True)
class Post:
    """A position to fill on a shift (带班领导, 值班人员, 驾驶员), with who may fill it."""

    id: str
    name: str = ""
    qualification: str | None = None
    job_types: frozenset[str] = frozenset()  # empty: any job type
    min_grade: int | None = None

    @property
    def title(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Limits:
    """Per-person limits; None means no limit. A per-type maximum of 0 means the person never works that type."""

    max_shifts: Mapping[str, int] = field(default_factory=dict)
    min_minutes: int | None = None
    max_minutes: int | None = None
    min_consecutive_days: int | None = None  # working blocks touching the horizon's edges are exempt
    max_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None  # off blocks touching the horizon's edges are exempt
    max_weekends: int | None = None


@dataclass(frozen=True)
class Person:
    """Someone who can be rostered, with the points they already have this year (prior_points)."""

    id: str
    name: str = ""
    qualifications: frozenset[str] = frozenset()
    job_type: str = ""
    grade: int = 0
    limits: Limits = field(default_factory=Limits)
    prior_points: float = 0.0

    @property
    def title(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Cover:
    """How many people a post needs on a day and shift. A weight of None makes that side hard."""

    day: int
    shift: str
    post: str = ""
    minimum: int = 0
    maximum: int | None = None  # None: no upper limit
    under_weight: int | None = None  # cost per person short of minimum; None: shortfall forbidden
    over_weight: int | None = None  # cost per person beyond maximum; None: excess forbidden


@dataclass(frozen=True)
class Unavailability:
    """A day a person cannot work (leave, declared day off)."""

    person: str
    day: int
    reason: str = "leave"


@dataclass(frozen=True)
class Assignment:
    """One person on one post of one shift on one day (also used for pinned assignments)."""

    person: str
    day: int
    shift: str
    post: str = ""


@dataclass(frozen=True)
class Wish:
    """A request: on=True wants the shift (any shift when shift is None), on=False wants to be free of it."""

    person: str
    day: int
    shift: str | None
    on: bool
    weight: int


@dataclass(frozen=True)
class Fairness:
    """Points per (day kind, shift id); the spread (max − min) of points after the period costs weight per 0.01."""

    points: Mapping[tuple[str, str], float]
    weight: int = 1


@dataclass(frozen=True)
class Block:
    """Days (indexes) on which one post of one shift is held by the same people throughout (ROS-02 weekday
    block). `shifts`, when given, names each day's shift instead (a maintenance weekend: Friday's after-hours
    duty, then the rest days' duties, one person from Friday's end of work to Monday's start)."""

    days: tuple[int, ...]
    shift: str
    post: str = ""
    shifts: tuple[str, ...] = ()

    def cells(self) -> list[tuple[int, str]]:
        """(day, shift) of each day of the block."""
        if self.shifts and len(self.shifts) != len(self.days):
            raise ValueError("a block names one shift per day")
        return list(zip(self.days, self.shifts or (self.shift,) * len(self.days), strict=True))


@dataclass(frozen=True)
class Quota:
    """At least `minimum` of the people on a post of a shift on a day have at least `min_grade` (ROS-01: a senior
    agent on every shift)."""

    day: int
    shift: str
    post: str
    minimum: int
    min_grade: int


@dataclass(frozen=True)
class Window:
    """Each person holds the post of the shift on at most `maximum` of these days (ROS-02: rest days one each)."""

    days: tuple[int, ...]
    shift: str
    post: str
    maximum: int


@dataclass(frozen=True)
class Problem:
    """Everything the solver needs for one period."""

    people: tuple[Person, ...]
    days: tuple[Day, ...]
    shifts: tuple[ShiftType, ...]
    cover: tuple[Cover, ...]
    posts: tuple[Post, ...] = (Post(""),)
    unavailable: tuple[Unavailability, ...] = ()
    pins: tuple[Assignment, ...] = ()
    wishes: tuple[Wish, ...] = ()
    forbidden_successions: frozenset[tuple[str, str]] = frozenset()  # (a, b): b may not follow a on the next day
    min_rest_minutes: int | None = None
    fairness: Fairness | None = None
    blocks: tuple[Block, ...] = ()
    quotas: tuple[Quota, ...] = ()
    windows: tuple[Window, ...] = ()
    name: str = ""


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Cost:
    """One soft cost paid: its family (cover / wish / fairness), what it is about and the amount."""

    kind: str
    detail: str
    amount: int


@dataclass(frozen=True)
class Points:
    """A person's fairness points before and after the period."""

    person: str
    before: float
    after: float


@dataclass(frozen=True)
class Explanation:
    costs: tuple[Cost, ...] = ()
    points: tuple[Points, ...] = ()
    infeasible: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    objective: float
    bound: float
    wall_s: float
    solutions: int


@dataclass(frozen=True)
class Options:
    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0
    on_progress: Callable[[Progress], None] | None = None
    stop: threading.Event | None = None
    hints: tuple[Assignment, ...] = ()
    # Full-problem subsolvers, in order of use. With 2 workers CP-SAT runs one (max_lp: the LP with every constraint
    # linearized, which bounds the Curtois instances far better than the default) and shares the other thread
    # among LNS and local search; more workers take the next ones too.
    subsolvers: tuple[str, ...] = ("max_lp", "core", "default_lp")
    # Share of the time limit spent first on column generation (`columns.py`) when people are coupled only by
    # cover: once it converges, the search stops on reaching its bound (then proven optimal), and its
    # restricted-master roster, when within 1 % of that bound, becomes the hint. 0: skip it.
    column_share: float = 0.2


@dataclass(frozen=True)
class Result:
    status: Status
    assignments: tuple[Assignment, ...]
    objective: int | None
    bound: float | None
    wall_s: float
    explanation: Explanation
