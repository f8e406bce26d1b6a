"""Explanations, progress and stopping: infeasible input explained, costs itemised, a stop keeps the best."""

from __future__ import annotations

import threading
from dataclasses import replace

from zhiban.roster.solver import (
    Assignment,
    Cover,
    Day,
    Options,
    Person,
    Post,
    Problem,
    Progress,
    ShiftType,
    Status,
    Unavailability,
    Wish,
    solve,
)
from zhiban.roster.solver.tests.tiny import problem

FAST = Options(time_limit_s=5, workers=1)


def leaders_problem(on_leave: int) -> Problem:
    leaders = tuple(Person(f"L{i}", f"领导{i}", qualifications=frozenset({"leader"})) for i in range(3))
    staff = (*leaders, Person("S1", "职员1"))
    return Problem(
        people=staff,
        days=(Day("2026-10-03", 5, "holiday"),),
        shifts=(ShiftType("day", 8 * 60, 8 * 60),),
        posts=(Post("leader", "带班领导", qualification="leader"), Post("officer", "值班人员")),
        cover=(Cover(0, "day", "leader", 1, 1), Cover(0, "day", "officer", 1, 1)),
        unavailable=tuple(Unavailability(f"L{i}", 0, "on leave") for i in range(on_leave)),
    )


def test_uncoverable_post_is_explained_not_raised() -> None:
    result = solve(leaders_problem(on_leave=3), FAST)
    assert result.status is Status.INFEASIBLE
    assert result.explanation.infeasible == (
        "2026-10-03 day 带班领导: 0 qualified people available, 1 needed (3 on leave)",
    )


def test_post_coverable_with_one_leader_left() -> None:
    result = solve(leaders_problem(on_leave=2), FAST)
    assert result.status is Status.OPTIMAL
    assert {(a.person, a.post) for a in result.assignments} == {("L2", "leader"), ("S1", "officer")}


def test_pin_on_a_day_of_leave_is_explained() -> None:
    p = replace(leaders_problem(on_leave=1), pins=(Assignment("L0", 0, "day", "leader"),))
    result = solve(p, FAST)
    assert result.status is Status.INFEASIBLE
    assert "L0 pinned on day 0 day: unavailable (on leave)" in result.explanation.infeasible


def test_every_soft_cost_is_itemised_and_sums_to_the_objective() -> None:
    p = replace(problem(1, 2, ("D",), need=2, under=10), wishes=(Wish("A", 1, "D", False, 3),))
    result = solve(p, FAST)
    costs = result.explanation.costs
    assert sum(c.amount for c in costs) == result.objective == 10 + 13  # one short both days, or off-wish paid
    assert {c.kind for c in costs} == {"cover", "wish"}


def test_progress_is_reported_and_stop_keeps_the_best_found() -> None:
    seen: list[Progress] = []
    stop = threading.Event()

    def report(progress: Progress) -> None:
        seen.append(progress)
        stop.set()  # stop at the first solution

    p = problem(3, 7, ("D", "N"), need=1)
    result = solve(p, Options(time_limit_s=5, workers=1, on_progress=report, stop=stop))
    assert seen
    assert seen[0].objective >= seen[0].bound
    assert result.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert result.objective == round(seen[-1].objective)
    assert result.assignments
