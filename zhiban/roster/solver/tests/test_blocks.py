"""ROS-02 weekday blocks in the solver: one person holds a block, CP-SAT agrees with brute force, a split is refused."""

from __future__ import annotations

from dataclasses import replace

from zhiban.roster.solver import Assignment, Block, Options, Status, Unavailability, evaluate, solve
from zhiban.roster.solver.oracle import optimum
from zhiban.roster.solver.tests.tiny import problem

FAST = Options(time_limit_s=5, workers=1)


def test_ros_02_cpsat_matches_brute_force_with_a_block() -> None:
    p = replace(
        problem(3, 4, ("D",), under=10, over=1),
        blocks=(Block((0, 1, 2), "D"),),
        unavailable=(Unavailability("A", 1),),
        wishes=(),
    )
    expected = optimum(p)
    assert expected is not None
    result = solve(p, FAST)
    assert result.status is Status.OPTIMAL
    assert evaluate(p, result.assignments).hard == ()
    assert result.objective == expected[0] == 0
    holders = {a.person for a in result.assignments if a.day in (0, 1, 2)}
    assert len(holders) == 1
    assert holders != {"A"}  # A is away on day 1, so cannot hold the block


def test_ros_02_checker_refuses_a_split_block_and_accepts_a_whole_one() -> None:
    p = replace(problem(2, 3, ("D",)), blocks=(Block((0, 1, 2), "D"),))
    whole = [Assignment("A", d, "D") for d in range(3)]
    assert evaluate(p, whole).hard == ()
    split = [Assignment("A", 0, "D"), Assignment("A", 1, "D"), Assignment("B", 2, "D")]
    assert evaluate(p, split).hard == ("d0–d2 D: block split between A, B",)


def test_ros_02_block_nobody_can_hold_is_explained_not_raised() -> None:
    p = replace(
        problem(2, 5, ("D",), under=None, over=None),
        blocks=(Block((0, 1, 2, 3, 4), "D"),),
        unavailable=(Unavailability("A", 1), Unavailability("B", 3)),
    )
    result = solve(p, FAST)
    assert result.status is Status.INFEASIBLE
    assert result.explanation.infeasible == ("d0–d4 D: nobody qualified is available on all 5 days of the block",)


def test_ros_01_maintenance_weekend_block_spans_two_shifts_cpsat_matches_brute_force() -> None:
    """Friday's after-hours duty (E) and the rest days' duty (W) held by one person: Fri end of work → Mon start."""
    base = problem(3, 3, ("E", "W"), under=10, over=1)
    cover = tuple(c for c in base.cover if (c.day, c.shift) in {(0, "E"), (1, "W"), (2, "W")})
    p = replace(
        base,
        cover=cover,
        blocks=(Block((0, 1, 2), "E", shifts=("E", "W", "W")),),
        unavailable=(Unavailability("B", 2),),
        wishes=(),
    )
    expected = optimum(p)
    assert expected is not None
    result = solve(p, FAST)
    assert result.status is Status.OPTIMAL
    assert result.objective == expected[0]
    assert evaluate(p, result.assignments).hard == ()
    held = {(a.day, a.shift): a.person for a in result.assignments}
    assert held[(0, "E")] == held[(1, "W")] == held[(2, "W")] != "B"
    split = [Assignment("A", 0, "E"), Assignment("A", 1, "W"), Assignment("C", 2, "W")]
    assert evaluate(p, split).hard == ("d0–d2 E: block split between A, C",)
