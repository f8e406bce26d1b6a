"""Column generation: its bound never exceeds the brute-force optimum, its start roster is what it claims."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiban.roster.solver import Cover, Fairness, Options, Status, Wish, evaluate, solve
from zhiban.roster.solver.columns import generate, separable
from zhiban.roster.solver.model import Problem
from zhiban.roster.solver.oracle import optimum
from zhiban.roster.solver.tests.test_curtois import BENCH
from zhiban.roster.solver.tests.tiny import problem, with_limits


def bound_holds(p: Problem) -> None:
    expected = optimum(p)
    columns = generate(p, 5, workers=1)
    if expected is None:
        return
    assert columns.bound is not None
    assert columns.bound <= expected[0]
    if columns.converged and columns.start:
        checked = evaluate(p, columns.start)
        if checked.feasible:  # a start may lean on a hard cover row's priced slack; then it is only a hint
            assert checked.objective == columns.start_objective
            assert checked.objective >= expected[0]


def ranged(p: Problem, minimum: int, maximum: int | None, under: int | None, over: int | None) -> Problem:
    return replace(p, cover=tuple(Cover(c.day, c.shift, c.post, minimum, maximum, under, over) for c in p.cover))


CASES = {
    "room between minimum and maximum": ranged(problem(3, 3, ("D",)), 1, 2, 5, 3),
    "no maximum": ranged(problem(3, 3, ("D",)), 1, None, 5, None),
    "hard minimum": with_limits(ranged(problem(3, 3, ("D",)), 1, 1, None, 2), max_consecutive_days=2),
    "hard maximum": ranged(problem(3, 3, ("D", "N")), 1, 1, 4, None),
    "wishes against cover": replace(
        problem(2, 3, ("D",), under=3),
        wishes=(Wish("A", 0, "D", False, 5), Wish("B", 0, "D", False, 2), Wish("A", 2, None, True, 1)),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bound_never_exceeds_the_brute_force_optimum(name: str) -> None:
    bound_holds(CASES[name])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 3),
    st.integers(2, 3),
    st.integers(0, 2),
    st.one_of(st.none(), st.integers(1, 2)),
    st.one_of(st.none(), st.integers(1, 2)),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.booleans(), st.integers(1, 9)), max_size=3),
)
def test_hypothesis_bound_and_start_on_tiny_instances(
    people: int, days: int, need: int, longest: int | None, shortest_off: int | None, wishes: list
) -> None:
    p = with_limits(
        problem(people, days, ("D", "N"), need=need, under=7, over=2),
        max_consecutive_days=longest,
        min_consecutive_days_off=shortest_off,
    )
    staff = [x.id for x in p.people]
    p = replace(p, wishes=tuple(Wish(staff[i % people], d % days, "DN"[d % 2], on, w) for i, d, on, w in wishes))
    bound_holds(p)


def test_fairness_couples_people_so_column_generation_is_not_used() -> None:
    p = problem(2, 2)
    assert separable(p)
    assert not separable(replace(p, fairness=Fairness({("weekday", "D"): 1.0})))
    assert separable(replace(p, fairness=Fairness({("weekday", "D"): 1.0}, weight=0)))


def test_a_person_without_any_feasible_roster_gives_no_bound() -> None:
    p = with_limits(problem(2, 2, ("D",)), min_minutes=480 * 3)  # three shifts' worth in two days
    columns = generate(p, 5, workers=1)
    assert columns.bound is None
    assert columns.start == ()
    assert solve(p, Options(time_limit_s=5, workers=1)).status is Status.INFEASIBLE


def test_instance4_is_proven_optimal_by_the_column_generation_bound() -> None:
    from zhiban.roster.solver.curtois import load

    columns = generate(load(BENCH / "Instance4.txt"), 30, workers=2)
    assert columns.converged
    assert columns.bound == 1716
    result = solve(load(BENCH / "Instance4.txt"), Options(time_limit_s=60, workers=2))
    assert result.status is Status.OPTIMAL
    assert result.objective == 1716
    assert result.bound == 1716
