"""ROS-01 beyond the cell — seats by job type, a senior on every shift, the one minimum rest — as checks and as the
solver form generation assembles (`ros_01.shape`), with SWAP-03 reading the same minimum rest."""

import datetime as dt
from dataclasses import replace

from zhiban.policy.engine import ResolvedPolicy, evaluate, shape
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.ros_01 import (
    SENIOR_GRADE,
    RestGap,
    SeatHolder,
    ShiftGrades,
    min_rest,
    seat_job_type,
    senior_per_shift,
)
from zhiban.policy.shaping import PersonFacts, PostFacts, RosterFacts, ShiftFacts
from zhiban.roster.solver import Assignment, Day, Person, Problem, ShiftType
from zhiban.roster.solver import evaluate as score

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=1)
PARAMS = CENTRE.parameters("ROS-01")
DAY = dt.date(2026, 12, 8)


def test_ros_01_seat_job_type_operator_passes_and_qa_inspector_is_refused() -> None:
    assert seat_job_type(SeatHolder("王芳", "值班人员", "operator", "话务员"), PARAMS) == []
    (finding,) = seat_job_type(SeatHolder("李质", "值班人员", "qa_inspector", "质检员"), PARAMS)
    assert finding.refuses
    assert "质检员" in finding.message_zh


def test_ros_01_seat_job_type_empty_list_takes_anyone() -> None:
    policy = ResolvedPolicy(CENTRE.pack, 2, {"ROS-01": {"seat_job_types": []}})
    assert seat_job_type(SeatHolder("李质", "值班人员", "qa_inspector"), policy.parameters("ROS-01")) == []


def test_ros_01_senior_per_shift_at_the_limit_and_one_short() -> None:
    assert senior_per_shift(ShiftGrades("早班", DAY, seniors=1, headcount=3), PARAMS) == []
    (finding,) = senior_per_shift(ShiftGrades("早班", DAY, seniors=0, headcount=3), PARAMS)
    assert finding.refuses
    assert finding.message_zh == "2026-12-08早班高级工0人，每班至少1人"


def test_ros_01_min_rest_exactly_eight_hours_passes_and_a_minute_less_refuses() -> None:
    assert PARAMS["min_rest"] == dt.timedelta(hours=8)
    assert min_rest(RestGap("王芳", "12月8日中班", "12月9日早班", dt.timedelta(hours=8)), PARAMS) == []
    (finding,) = min_rest(RestGap("王芳", "12月8日中班", "12月9日夜班", dt.timedelta(hours=7, minutes=59)), PARAMS)
    assert finding.refuses
    assert "不足8小时" in finding.message_zh


def test_ros_01_min_rest_is_the_one_swap_03_reads_and_shows() -> None:
    policy = ResolvedPolicy(CENTRE.pack, 2, {"ROS-01": {"min_rest": "10h"}})
    assert policy.parameters("SWAP-03")["min_rest"] == dt.timedelta(hours=10)
    assert "间隔少于10h" in policy.title("SWAP-03").zh
    assert "min_rest" not in {p.name for p in CENTRE.pack.rule("SWAP-03").parameters}  # type: ignore[union-attr]


def test_ros_01_a_zero_minimum_rest_allows_duties_back_to_back() -> None:
    bureau = ResolvedPolicy(get_pack("bureau"), 1)
    assert min_rest(RestGap("张三", "12月8日值班", "12月9日值班", dt.timedelta(0)), bureau.parameters("ROS-01")) == []
    outcome = evaluate(bureau, ["ROS-01"], RestGap("张三", "a", "b", dt.timedelta(minutes=-1)))
    assert outcome.codes() == ["ROS-01.min_rest"]  # overlapping duties are never allowed


SHIFTS = (
    ShiftFacts("early", "早班", 8 * 60, 8 * 60, ("workday", "rest_day", "holiday"), (("duty_officer", 2),)),
    ShiftFacts("late", "中班", 16 * 60, 8 * 60, ("workday", "rest_day", "holiday"), (("duty_officer", 2),)),
    ShiftFacts("night", "夜班", 0, 8 * 60, ("workday", "rest_day", "holiday"), (("duty_officer", 2),), night=True),
)


def _centre(people: tuple[PersonFacts, ...], days: int = 2) -> RosterFacts:
    dates = tuple(DAY + dt.timedelta(days=i) for i in range(days))
    return RosterFacts(
        dates=dates,
        kinds=("workday",) * days,
        shifts=SHIFTS,
        posts=(PostFacts("duty_officer", "值班人员"),),
        people=people,
        rotating_post="duty_officer",
    )


def test_ros_01_shape_gives_cover_seats_by_job_type_a_senior_quota_and_the_minimum_rest() -> None:
    form = shape(CENTRE, _centre(()))
    assert len(form.cover) == 6
    assert {(c.minimum, c.maximum) for c in form.cover} == {(2, 2)}
    (seat,) = form.posts
    assert seat.job_types == frozenset({"operator", "repair_engineer"})
    assert {(q.minimum, q.min_grade) for q in form.quotas} == {(1, SENIOR_GRADE)}
    assert len(form.quotas) == 6
    assert form.min_rest_minutes == 8 * 60


def test_ros_01_shape_makes_the_solver_refuse_what_the_checks_refuse() -> None:
    """Re-scored by the solver's checker: a shift without a senior is hard, and so is a late shift followed by the
    next day's night (0 h of rest), exactly as the checks refuse them at publication."""
    form = shape(CENTRE, _centre(()))
    members = frozenset({"unit_member"})
    people = (
        Person("a", grade=3, job_type="operator", qualifications=members),
        Person("b", grade=1, job_type="operator", qualifications=members),
    )
    problem = Problem(
        people=people,
        days=(Day("d0", 1), Day("d1", 2)),
        shifts=tuple(ShiftType(s.code, s.minutes, s.start) for s in SHIFTS),
        cover=tuple(replace(c, minimum=0) for c in form.cover),
        posts=form.posts,
        quotas=tuple(q for q in form.quotas if (q.day, q.shift) == (0, "early")),
        min_rest_minutes=form.min_rest_minutes,
    )
    both = [Assignment("a", 0, "early", "duty_officer"), Assignment("b", 0, "early", "duty_officer")]
    assert score(problem, both).hard == ()
    junior_only = [Assignment("b", 0, "early", "duty_officer")]
    assert any("grade 3" in h for h in score(problem, junior_only).hard)
    late_then_night = [
        Assignment("a", 0, "early", "duty_officer"),
        Assignment("b", 0, "late", "duty_officer"),  # 16:00–24:00
        Assignment("b", 1, "night", "duty_officer"),  # 00:00–08:00 the next day
    ]
    assert score(replace(problem, min_rest_minutes=None), late_then_night).hard == ()
    assert score(problem, late_then_night).hard
