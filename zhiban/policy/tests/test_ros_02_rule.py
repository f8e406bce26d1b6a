"""ROS-02 — weekday blocks from the calendar's day kinds, and one person per block (P3 二.1)."""

import datetime as dt

import chinese_calendar

from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.ros_02 import WeekdayBlock, weekday_block, weekday_blocks

BUREAU = ResolvedPolicy(pack=get_pack("bureau"), version=1)
PARAMS = BUREAU.parameters("ROS-02")


def kinds(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """The day kinds of the official calendar (chinesecalendar): make-up workdays are workdays."""
    days = []
    day = start
    while day <= end:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        kind = "workday" if not on_holiday else "holiday" if name else "rest_day"
        days.append((day, kind))
        day += dt.timedelta(days=1)
    return days


def dates(*days: int, month: int = 10) -> tuple[dt.date, ...]:
    return tuple(dt.date(2026, month, d) for d in days)


def test_ros_02_a_normal_week_is_one_block_of_five() -> None:
    assert weekday_blocks(kinds(dt.date(2026, 10, 12), dt.date(2026, 10, 18))) == [dates(12, 13, 14, 15, 16)]


def test_ros_02_national_day_weeks_follow_the_calendar() -> None:
    # 10-01..10-07 holiday; 10-10 (Saturday) is a make-up workday in the week of 10-05, whose
    # Monday to Wednesday are holiday: that week's block is Thursday to Saturday.
    blocks = weekday_blocks(kinds(dt.date(2026, 9, 28), dt.date(2026, 10, 18)))
    assert blocks == [
        (dt.date(2026, 9, 28), dt.date(2026, 9, 29), dt.date(2026, 9, 30)),
        dates(8, 9, 10),
        dates(12, 13, 14, 15, 16),
    ]


def test_ros_02_a_week_with_a_make_up_day_has_a_block_of_six() -> None:
    # Sunday 2026-09-20 is a make-up workday for the Mid-autumn holiday: its ISO week has 6 working days.
    (block,) = weekday_blocks(kinds(dt.date(2026, 9, 14), dt.date(2026, 9, 20)))
    assert block == dates(14, 15, 16, 17, 18, 20, month=9)


def test_ros_02_weekday_block_days_at_the_week_and_one_below() -> None:
    """`weekday_block_days` = 6 keeps the make-up week one block; 5 ("每人5天") gives its sixth day to the next turn."""
    week = kinds(dt.date(2026, 9, 14), dt.date(2026, 9, 20))
    assert weekday_blocks(week, 6) == [dates(14, 15, 16, 17, 18, 20, month=9)]
    assert weekday_blocks(week, 5) == [dates(14, 15, 16, 17, 18, month=9), dates(20, month=9)]


def test_ros_02_a_period_starting_mid_week() -> None:
    blocks = weekday_blocks(kinds(dt.date(2026, 10, 14), dt.date(2026, 10, 21)))
    assert blocks == [dates(14, 15, 16), dates(19, 20, 21)]


def test_ros_02_one_person_per_block_at_the_limit_and_past_it() -> None:
    block = dates(12, 13, 14, 15, 16)
    whole = WeekdayBlock("值班人员", block, tuple((d, "张三") for d in block))
    assert weekday_block(whole, PARAMS) == []
    split = WeekdayBlock("值班人员", block, (*((d, "张三") for d in block[:4]), (block[4], "李四")))
    (finding,) = weekday_block(split, PARAMS)
    assert finding.message_zh == "2026-10-12至2026-10-16的值班人员应由一人连续值班，现为张三、李四"
    assert finding.details == {"days": [d.isoformat() for d in block], "people": ["张三", "李四"]}


def test_ros_02_duties_outside_the_block_do_not_count() -> None:
    block = dates(12, 13)
    facts = WeekdayBlock("值班人员", block, ((block[0], "张三"), (block[1], "张三"), (dt.date(2026, 10, 19), "李四")))
    assert weekday_block(facts, PARAMS) == []


# ----------------------------------------------------------------------------- rest days one each, in turn

from zhiban.policy.rules.ros_02 import (  # noqa: E402
    RestDayRun,
    Rotation,
    TurnSequence,
    TurnSlot,
    WorkingDayDuty,
    ideal_turns,
    in_turn,
    next_in_turn,
    rotation_blocks,
    weekday_section_only,
)

BUREAU_SHIFTS = ResolvedPolicy(pack=get_pack("bureau-shifts"), version=1).parameters("ROS-02")
ORDER = ("甲", "乙", "丙", "丁")


def test_ros_02_rest_days_one_each_at_the_limit_and_past_it() -> None:
    one_each = RestDayRun("值班人员", ((dt.date(2026, 12, 5), "甲"), (dt.date(2026, 12, 6), "乙")))
    assert rotation_blocks(Rotation((), (one_each,)), PARAMS) == []
    twice = RestDayRun("值班人员", ((dt.date(2026, 12, 5), "甲"), (dt.date(2026, 12, 6), "甲")))
    (finding,) = rotation_blocks(Rotation((), (twice,)), PARAMS)
    assert finding.rule_id == "ROS-02"
    assert "甲连续2天" in finding.message_zh
    assert rotation_blocks(Rotation((), (twice,)), {**PARAMS, "rest_day_block_days": 2}) == []


def test_ros_02_rotation_blocks_reads_weekday_blocks_too() -> None:
    split = WeekdayBlock("值班人员", dates(12, 13), ((dt.date(2026, 10, 12), "甲"), (dt.date(2026, 10, 13), "乙")))
    (finding,) = rotation_blocks(Rotation((split,), ()), PARAMS)
    assert finding.details["people"] == ["乙", "甲"]


def test_ros_02_next_in_turn_wraps_and_skips_the_unavailable() -> None:
    assert next_in_turn(ORDER, "乙", frozenset()) == "丙"
    assert next_in_turn(ORDER, "丁", frozenset()) == "甲"
    assert next_in_turn(ORDER, "乙", frozenset({"丙"})) == "丁"
    assert next_in_turn(ORDER, None, frozenset()) == "甲"
    assert next_in_turn(ORDER, "外人", frozenset({"甲"})) == "乙"
    assert next_in_turn(ORDER, "甲", frozenset(ORDER)) is None


def test_ros_02_order_continues_from_the_previous_period() -> None:
    assert ideal_turns(ORDER, "丙", [frozenset()] * 3) == ["丁", "甲", "乙"]
    assert ideal_turns(ORDER, "丙", [frozenset({"丁"}), frozenset(), frozenset()]) == ["甲", "乙", "丙"]


def test_ros_02_in_turn_at_the_limit_and_past_it() -> None:
    in_order = TurnSequence("值班人员", ORDER, "丙", (TurnSlot("12月5日", "丁"), TurnSlot("12月6日", "甲")))
    assert in_turn(in_order, PARAMS) == []
    skipped_on_leave = TurnSequence("值班人员", ORDER, "丙", (TurnSlot("12月5日", "甲", frozenset({"丁"})),))
    assert in_turn(skipped_on_leave, PARAMS) == []
    skipped = TurnSequence("值班人员", ORDER, "丙", (TurnSlot("12月5日", "甲"), TurnSlot("12月6日", "乙")))
    (finding,) = in_turn(skipped, PARAMS)  # one skip, one warning: the order goes on from 甲
    assert finding.rule_id == "ROS-02"
    assert finding.details == {"slot": "12月5日", "expected": "丁", "holder": "甲"}


def test_ros_02_bureau_shifts_working_days_by_the_section_only() -> None:
    day = dt.date(2026, 12, 7)
    assert weekday_section_only(WorkingDayDuty("甲", day, in_section=True), BUREAU_SHIFTS) == []
    (finding,) = weekday_section_only(WorkingDayDuty("乙", day, in_section=False), BUREAU_SHIFTS)
    assert "综合科" in finding.message_zh
    everyone = {**BUREAU_SHIFTS, "weekday_coverage": "all_staff"}
    assert weekday_section_only(WorkingDayDuty("乙", day, in_section=False), everyone) == []
