"""ROS-05 — the duty board names the staff on duty (P2 三 第三条, P4 第三条): every post of every shift shown is
written with as many names as it takes, and everyone named has a phone where the pack shows phones (at the limit
and just past it); through the engine each finding cites the pack's clause."""

from __future__ import annotations

import datetime as dt

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.packs import get_pack
from zhiban.policy.rules import ros_05
from zhiban.policy.rules.ros_05 import BoardPerson, BoardPost, BoardShift, DutyBoard

TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 12, 5)


def shift(*posts: BoardPost, on_now: bool = False) -> BoardShift:
    start = dt.datetime(2026, 12, 5, 8, tzinfo=TZ)
    return BoardShift("日班", DAY, start, start + dt.timedelta(hours=9), posts, on_now)


def board(*shifts: BoardShift, people: tuple[BoardPerson, ...] = ()) -> DutyBoard:
    return DutyBoard("维护站", shifts, people)


def test_ros_05_a_post_with_as_many_names_as_it_takes_passes_and_one_fewer_is_flagged() -> None:
    full = board(shift(BoardPost("值班人员", 2, ("甲", "乙")), BoardPost("带班领导", 1, ("丙",))))
    assert ros_05.on_duty_named(full, {}) == []
    short = board(shift(BoardPost("值班人员", 2, ("甲",)), BoardPost("带班领导", 1, ("丙",)), on_now=True))
    (finding,) = ros_05.on_duty_named(short, {})
    assert finding.rule_id == "ROS-05"
    assert finding.severity is Severity.REPORT
    assert finding.message_zh == "值日牌维护站：12月5日日班（08:00–17:00，正在值班）值班人员缺1人，未写明值班人员姓名"
    assert (
        finding.message_en
        == "duty board 维护站: 2026-12-05 日班 (08:00–17:00, on now) names nobody for 值班人员 1 of 2"
    )
    assert finding.details == {"day": "2026-12-05", "shift": "日班", "on_now": True, "short": [["值班人员", 1]]}


def test_ros_05_a_shift_with_nobody_is_flagged_for_every_post() -> None:
    empty = board(shift(BoardPost("带班领导", 1), BoardPost("值班人员", 1)))
    (finding,) = ros_05.on_duty_named(empty, {})
    assert "带班领导缺1人、值班人员缺1人" in finding.message_zh


def test_ros_05_phones_everyone_with_one_passes_someone_without_is_flagged_unless_phones_are_not_shown() -> None:
    with_phones = board(people=(BoardPerson("甲", True), BoardPerson("乙", True)))
    assert ros_05.phones_shown(with_phones, {"show_phones": True}) == []
    one_without = board(people=(BoardPerson("甲", True), BoardPerson("乙", False)))
    (finding,) = ros_05.phones_shown(one_without, {"show_phones": True})
    assert finding.message_zh == "值日牌维护站：乙没有联系电话"
    assert finding.details == {"people": ["乙"]}
    assert ros_05.phones_shown(one_without, {"show_phones": False}) == []


def test_ros_05_through_the_engine_cites_the_pack_and_is_not_evaluated_where_the_pack_lacks_it() -> None:
    empty = board(shift(BoardPost("值班人员", 1)))
    outcome = evaluate(ResolvedPolicy(pack=get_pack("maintenance"), version=4), ["ROS-05"], empty)
    (finding,) = outcome.findings
    assert finding.code == "ROS-05.on_duty_named"
    assert finding.citation.line() == (
        "ROS-05 设值日牌，写明值班员工姓名，悬挂于明显地方 (maintenance · P2 三 第三条 · 策略版本 4)"
    )
    assert outcome.ok  # a report: the board shows it, nothing is refused
    assert evaluate(ResolvedPolicy(pack=get_pack("bureau"), version=1), ["ROS-05"], empty).not_declared == ("ROS-05",)
