"""ROS-01 — shift days, posts, headcount, qualification and one post per person per shift (P3 二.1、六.1)."""

import datetime as dt

import pytest

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.packs import builtin_packs, get_pack
from zhiban.policy.rules.ros_01 import (
    PostCell,
    PostHolder,
    ShiftCover,
    ShiftDay,
    ShiftPosts,
    ShiftTimes,
    headcount,
    one_post,
    posts,
    posts_filled,
    qualification,
    shift_days,
    shift_times,
)

BUREAU = ResolvedPolicy(pack=get_pack("bureau"), version=3)
PARAMS = BUREAU.parameters("ROS-01")
SAT = dt.date(2026, 12, 5)


def test_ros_01_shift_only_on_its_kinds_of_day() -> None:
    night = ("rest_day", "holiday")
    assert shift_days(ShiftDay("夜班", SAT, "rest_day", night), PARAMS) == []
    (finding,) = shift_days(ShiftDay("夜班", SAT, "workday", night), PARAMS)
    assert finding.refuses
    assert finding.message_zh == "夜班不在2026-12-05（工作日）安排"


def test_ros_01_headcount_at_the_limit_and_past_it() -> None:
    assert headcount(PostCell("值班", "值班人员", 2, 2), PARAMS) == []
    (finding,) = headcount(PostCell("值班", "值班人员", 2, 3), PARAMS)
    assert finding.details == {"headcount": 2, "people": 3}
    assert finding.message_en == "值班 值班人员 takes 2, not 3"


def test_ros_01_a_post_the_shift_does_not_have_takes_nobody() -> None:
    assert posts(PostCell("值班", "带班领导", 1, 1), PARAMS) == []
    (finding,) = posts(PostCell("值班", "带班领导", 0, 1), PARAMS)
    assert finding.message_en == "值班 has no post 带班领导"
    assert headcount(PostCell("值班", "带班领导", 0, 1), PARAMS) == []  # one refusal, not two


def test_ros_01_qualification_leader_and_driver_only_by_role_holders() -> None:
    assert qualification(PostHolder("李四", "带班领导", "duty_leader", True), PARAMS) == []
    assert qualification(PostHolder("张三", "值班人员", "", False), PARAMS) == []  # the post needs no role
    (finding,) = qualification(PostHolder("张三", "代班司机", "standby_driver", False), PARAMS)
    assert finding.message_zh == "张三不是代班司机，不能担任该岗位"


def test_ros_01_one_post_per_person_per_shift() -> None:
    assert one_post(ShiftPosts("李四", "值班", SAT, "带班领导"), PARAMS) == []
    (finding,) = one_post(ShiftPosts("李四", "值班", SAT, "值班人员", "带班领导"), PARAMS)
    assert finding.message_en == "李四 is already 带班领导 of 值班 on 2026-12-05"


def test_ros_01_posts_filled_at_the_limit_and_one_short() -> None:
    full = ShiftCover("值班", SAT, (("值班人员", 2, 2), ("带班领导", 1, 1)))
    assert posts_filled(full, PARAMS) == []
    short = ShiftCover("值班", SAT, (("值班人员", 2, 1), ("带班领导", 1, 1)))
    (finding,) = posts_filled(short, PARAMS)
    assert finding.message_zh == "2026-12-05值班岗位不齐：值班人员缺1人"


def test_ros_01_shift_times_records_a_difference() -> None:
    nine, five = dt.time(9), dt.time(17)
    assert shift_times(ShiftTimes("坐班", nine, five, nine, five), PARAMS) == []
    (finding,) = shift_times(ShiftTimes("坐班", nine, dt.time(17, 30), nine, five), PARAMS)
    assert finding.severity is Severity.RECORD


@pytest.mark.parametrize("pack_id", sorted(builtin_packs()))
def test_ros_01_engine_refuses_with_citation_in_every_pack(pack_id: str) -> None:
    policy = ResolvedPolicy(pack=get_pack(pack_id), version=2)
    outcome = evaluate(policy, ["ROS-01"], PostHolder("张三", "带班领导", "duty_leader", False))
    (violation,) = outcome.violations
    assert violation.code == "ROS-01.qualification"
    assert violation.citation.pack_id == pack_id
    assert violation.citation.policy_version == 2
    assert f"{pack_id} · " in violation.message("zh")


def test_ros_01_bureau_refusal_cites_its_clause() -> None:
    outcome = evaluate(BUREAU, ["ROS-01"], PostCell("值班", "值班人员", 1, 2))
    (violation,) = outcome.violations
    assert violation.citation.clause == "二.1、六.1"
    assert violation.message("en").startswith("ROS-01 ")
    assert "(bureau · P3 二.1、六.1 · policy version 3)" in violation.message("en")
