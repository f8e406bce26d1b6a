"""CP-SAT's optimum equals the brute-force oracle's on tiny instances, one family of constraints at a time."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiban.roster.solver import Assignment, Fairness, Options, Person, Status, Unavailability, Wish, evaluate, solve
from zhiban.roster.solver.model import Problem
from zhiban.roster.solver.oracle import optimum
from zhiban.roster.solver.tests.tiny import problem, with_limits

FAST = Options(time_limit_s=5, workers=1)


def agree(p: Problem) -> int | None:
    """Solve with CP-SAT and by brute force; both must agree, and the checker must accept CP-SAT's roster."""
    expected = optimum(p)
    result = solve(p, FAST)
    if expected is None:
        assert result.status is Status.INFEASIBLE
        assert result.explanation.infeasible
        return None
    assert result.status is Status.OPTIMAL
    checked = evaluate(p, result.assignments)
    assert checked.hard == ()
    assert result.objective == checked.objective == expected[0]
    return expected[0]


CASES = {
    "cover only": problem(2, 3),
    "max shifts per type": with_limits(problem(2, 4), max_shifts={"N": 1}),
    "never works a type": with_limits(problem(2, 3), max_shifts={"D": 0}),
    "min and max minutes": with_limits(problem(2, 4), min_minutes=480 * 3, max_minutes=480 * 3),
    "max consecutive days": with_limits(problem(2, 4, ("D",), need=2), max_consecutive_days=2),
    "min consecutive days": with_limits(problem(3, 4, ("D",)), min_consecutive_days=2),
    "min consecutive days off": with_limits(problem(3, 4, ("D",), need=2), min_consecutive_days_off=2),
    "max weekends": with_limits(problem(2, 4, first_weekday=4), max_weekends=1),
    "forbidden succession": replace(problem(2, 4), forbidden_successions=frozenset({("N", "D")})),
    "minimum rest": replace(problem(2, 4), min_rest_minutes=11 * 60),
    "unavailability": replace(problem(2, 4), unavailable=(Unavailability("A", 1), Unavailability("B", 1))),
    "pins": replace(problem(2, 4), pins=(Assignment("A", 0, "D"), Assignment("A", 1, "D"))),
    "wishes": replace(
        problem(2, 4, need=1, under=2),
        wishes=(Wish("A", 0, "N", True, 3), Wish("B", 0, None, False, 5), Wish("A", 2, "D", False, 1)),
    ),
    "hard cover": with_limits(problem(2, 4, ("D",), under=None, over=None), max_consecutive_days=2),
}


@pytest.mark.parametrize("name", list(CASES))
def test_cpsat_matches_brute_force(name: str) -> None:
    agree(CASES[name])


def test_fairness_spread_matches_brute_force_and_counts_prior_points() -> None:
    p = problem(3, 3, ("D",), need=1, under=None, over=None)
    points = {("weekday", "D"): 1.0, ("weekend", "D"): 1.5}
    p = replace(
        p,
        people=(replace(p.people[0], prior_points=2.0), *p.people[1:]),
        fairness=Fairness(points, weight=1),
    )
    assert agree(p) == 100  # A already has 2 points: B and C take the 3 days between them, spread 1 point
    result = solve(p, FAST)
    before_after = {x.person: (x.before, x.after) for x in result.explanation.points}
    assert before_after["A"] == (2.0, 2.0)
    assert sorted(a for _, a in (before_after["B"], before_after["C"])) == [1.0, 2.0]


def test_infeasible_combination_found_by_both() -> None:
    p = with_limits(problem(1, 3, ("D",), under=None), max_consecutive_days=2)
    assert agree(p) is None


tiny = st.builds(
    lambda people, days, shifts, need, cap, cons, off, block, rest, on: (
        people,
        days,
        shifts,
        need,
        cap,
        cons,
        off,
        block,
        rest,
        on,
    ),
    st.integers(1, 3),
    st.integers(2, 4),
    st.integers(1, 2),
    st.integers(0, 2),
    st.one_of(st.none(), st.integers(0, 3)),
    st.one_of(st.none(), st.integers(1, 3)),
    st.one_of(st.none(), st.integers(1, 2)),
    st.one_of(st.none(), st.integers(1, 3)),
    st.booleans(),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.booleans(), st.integers(1, 9)), max_size=3),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny)
def test_hypothesis_tiny_instances_agree_with_brute_force(spec: tuple) -> None:
    people, days, nshifts, need, cap, cons, off, block, rest, wishes = spec
    if people == 3 and days == 4 and nshifts == 2:
        days = 3  # keep the brute force under a second
    shifts = ("D", "N")[:nshifts]
    p = with_limits(
        problem(people, days, shifts, need=need, under=7, over=2),
        max_shifts={"D": cap} if cap is not None else {},
        max_consecutive_days=cons,
        min_consecutive_days_off=off,
        min_consecutive_days=block,
    )
    if rest:
        p = replace(p, forbidden_successions=frozenset({(shifts[-1], shifts[0])}))
    staff = [x.id for x in p.people]
    p = replace(
        p,
        wishes=tuple(Wish(staff[i % people], d % days, shifts[d % nshifts], on, w) for i, d, on, w in wishes),
    )
    agree(p)


def test_person_not_in_problem_is_a_hard_violation() -> None:
    p = problem(1, 2)
    assert evaluate(p, [Assignment("Z", 0, "D")]).hard
    assert isinstance(p.people[0], Person)
