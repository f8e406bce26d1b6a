"""Tiny problems for the solver tests: a few people, days and shifts, everything else at its default."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from zhiban.roster.solver.model import Cover, Day, Limits, Person, Problem, ShiftType

WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def problem(
    people: int = 3,
    days: int = 4,
    shifts: tuple[str, ...] = ("D", "N"),
    need: int = 1,
    under: int | None = 10,
    over: int | None = 1,
    first_weekday: int = 0,
    limits: Limits | None = None,
) -> Problem:
    staff = tuple(Person(chr(ord("A") + i), limits=limits or Limits()) for i in range(people))
    calendar = tuple(Day(f"d{d}", (first_weekday + d) % 7) for d in range(days))
    types = tuple(ShiftType(s, 480, 8 * 60 + 12 * 60 * i) for i, s in enumerate(shifts))
    cover = tuple(Cover(d, s, "", need, need, under, over) for d in range(days) for s in shifts)
    return Problem(people=staff, days=calendar, shifts=types, cover=cover)


def with_limits(p: Problem, **limits: Any) -> Problem:
    return replace(p, people=tuple(replace(x, limits=replace(x.limits, **limits)) for x in p.people))
