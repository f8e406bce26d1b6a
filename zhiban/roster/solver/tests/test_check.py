"""The checker at each rule's limit and just past it (edge-exempt blocks, weekends, rest, qualifications)."""

from __future__ import annotations

from dataclasses import replace

from zhiban.roster.solver import Assignment, Person, Post, evaluate
from zhiban.roster.solver.model import Cover
from zhiban.roster.solver.tests.tiny import problem, with_limits


def days(person: str, *worked: int, shift: str = "D") -> list[Assignment]:
    return [Assignment(person, d, shift) for d in worked]


def test_min_consecutive_days_inner_block_too_short_but_edge_blocks_exempt() -> None:
    p = with_limits(problem(1, 6, ("D",), need=0), min_consecutive_days=2)
    assert evaluate(p, days("A", 0, 5)).hard == ()  # one-day blocks touching the first and last day
    assert evaluate(p, days("A", 2, 3)).hard == ()  # an inner block of exactly 2
    assert evaluate(p, days("A", 2)).hard == ("A: only 1 working days in a row from day 2",)


def test_min_consecutive_days_off_inner_gap_too_short() -> None:
    p = with_limits(problem(1, 6, ("D",), need=0), min_consecutive_days_off=2)
    assert evaluate(p, days("A", 1, 2, 5)).hard == ()  # off 0 (edge), off 3–4 (two days)
    assert evaluate(p, days("A", 1, 3)).hard == ("A: only 1 days off in a row from day 2",)


def test_max_consecutive_days_at_the_limit_and_past_it() -> None:
    p = with_limits(problem(1, 6, ("D",), need=0), max_consecutive_days=3)
    assert evaluate(p, days("A", 0, 1, 2, 4, 5)).hard == ()
    assert evaluate(p, days("A", 0, 1, 2, 3)).hard == ("A: 4 working days in a row from day 0",)


def test_weekends_counted_once_per_saturday_sunday_pair() -> None:
    p = with_limits(problem(1, 9, ("D",), need=0, first_weekday=5), max_weekends=1)  # Sat 0, Sun 1, Sat 7, Sun 8
    assert evaluate(p, days("A", 0, 1)).hard == ()
    assert evaluate(p, days("A", 1, 7)).hard == ("A: works 2 weekends, at most 1",)


def test_minimum_rest_forbids_day_after_night() -> None:
    p = replace(problem(1, 2, ("D", "N"), need=0), min_rest_minutes=12 * 60)  # N 20:00–04:00, D 08:00
    assert evaluate(p, [Assignment("A", 0, "D"), Assignment("A", 1, "N")]).hard == ()
    night_then_day = [Assignment("A", 0, "N"), Assignment("A", 1, "D")]
    assert evaluate(p, night_then_day).hard == ("A: D on day 1 may not follow N on day 0",)
    assert evaluate(replace(p, min_rest_minutes=4 * 60), night_then_day).hard == ()  # exactly 4 h of rest


def test_post_needs_qualification_and_grade() -> None:
    p = problem(1, 1, ("D",), need=0)
    p = replace(
        p,
        people=(Person("A", qualifications=frozenset({"leader"}), grade=3), Person("B", grade=5)),
        posts=(Post("lead", "带班领导", qualification="leader", min_grade=3),),
        cover=(Cover(0, "D", "lead", 1, 1),),
    )
    assert evaluate(p, [Assignment("A", 0, "D", "lead")]).hard == ()
    assert evaluate(p, [Assignment("B", 0, "D", "lead")]).hard == (
        "Assignment(person='B', day=0, shift='D', post='lead'): B may not work D as 带班领导",
    )
    low = replace(p, people=(replace(p.people[0], grade=2),))
    assert evaluate(low, [Assignment("A", 0, "D", "lead")]).hard


def test_minutes_limits_at_and_past() -> None:
    p = with_limits(problem(1, 3, ("D",), need=0), min_minutes=960, max_minutes=960)
    assert evaluate(p, days("A", 0, 1)).hard == ()
    assert evaluate(p, days("A", 0)).hard == ("A: 480 minutes, at least 960",)
    assert evaluate(p, days("A", 0, 1, 2)).hard == ("A: 1440 minutes, at most 960",)
