"""ROS-06 — what a printed or exported roster must carry: the unit and the published version with its date, every
duty with its names, holidays and make-up workdays marked, the duty-room phone (at the limit and just past it)."""

from __future__ import annotations

import datetime as dt

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.packs import get_pack
from zhiban.policy.rules import ros_06
from zhiban.policy.rules.ros_06 import RosterSheet, SheetDay, SheetDuty

TITLE = "市局2026年12月值班表"
MONDAY = dt.date(2026, 12, 7)


def sheet(*days: SheetDay, version: int | None = 1, phone: str = "010-1234", title: str = TITLE) -> RosterSheet:
    published = dt.date(2026, 11, 20) if version is not None else None
    return RosterSheet(title, "市局", version, published, phone, days)


def day(n: int, *duties: SheetDuty, kind: str = "", holiday: str = "", mark: str = "") -> SheetDay:
    return SheetDay(dt.date(2026, 12, n), kind, holiday, mark, duties)


def test_ros_06_a_published_sheet_naming_its_unit_passes_a_draft_or_a_title_without_the_unit_is_reported() -> None:
    assert ros_06.heading(sheet(), {}) == []
    (draft,) = ros_06.heading(sheet(version=None), {})
    assert draft.severity is Severity.REPORT
    assert draft.message_zh == f"{TITLE}：尚未公布（草稿），打印件没有公布版本和发布日期，不是正式值班表"
    (untitled,) = ros_06.heading(sheet(title="2026年12月值班表"), {})
    assert untitled.details == {"field": "title"}


def test_ros_06_every_duty_named_at_its_headcount_passes_one_name_short_is_reported() -> None:
    full = sheet(day(7, SheetDuty("值班", "值班人员", 2, ("甲", "乙")), SheetDuty("值班", "带班领导", 1, ("丙",))))
    assert ros_06.every_duty_named(full, {}) == []
    short = sheet(day(7, SheetDuty("值班", "值班人员", 2, ("甲",))), day(8, SheetDuty("值班", "值班人员", 1, ())))
    (finding,) = ros_06.every_duty_named(short, {})
    assert finding.message_zh == f"{TITLE}：2天有岗位未写明值班人员（共缺2人）：12月7日、12月8日"
    assert finding.details == {"days": ["2026-12-07", "2026-12-08"], "places": 2}


def test_ros_06_a_long_list_of_days_is_cut_after_five() -> None:
    many = sheet(*(day(n, SheetDuty("值班", "值班人员", 1)) for n in range(1, 8)))
    (finding,) = ros_06.every_duty_named(many, {})
    assert finding.message_zh.endswith("12月1日、12月2日、12月3日、12月4日、12月5日等")
    assert len(finding.details["days"]) == 7


def test_ros_06_holidays_and_make_up_workdays_marked_pass_an_unmarked_one_is_reported() -> None:
    marked = sheet(
        day(5, kind="makeup_workday", mark="调休上班"),
        day(31, kind="statutory_holiday", holiday="元旦", mark="元旦"),
        day(6, kind="weekend"),
    )
    assert ros_06.holidays_marked(marked, {}) == []
    unmarked = sheet(day(5, kind="makeup_workday"), day(31, kind="statutory_holiday", holiday="元旦", mark="春节"))
    (finding,) = ros_06.holidays_marked(unmarked, {})
    assert finding.details == {"days": ["2026-12-05", "2026-12-31"]}
    assert ros_06.expected_mark("in_lieu_rest", "国庆节") == "国庆节"
    assert ros_06.expected_mark("in_lieu_rest", "") == ""


def test_ros_06_the_footer_needs_the_duty_room_phone() -> None:
    assert ros_06.duty_phone_shown(sheet(phone="0"), {}) == []
    (finding,) = ros_06.duty_phone_shown(sheet(phone=" "), {})
    assert finding.message_zh == f"{TITLE}：页脚没有值班室电话（请在单位信息中填写）"


def test_ros_06_through_the_engine_every_pack_reports_and_cites_itself() -> None:
    facts = sheet(day(7, SheetDuty("值班", "值班人员", 1)), version=None, phone="")
    for pack_id in ("bureau", "bureau-shifts", "maintenance", "company-shifts", "service-center"):
        outcome = evaluate(ResolvedPolicy(pack=get_pack(pack_id), version=2), ["ROS-06"], facts)
        assert outcome.codes() == ["ROS-06.heading", "ROS-06.every_duty_named", "ROS-06.duty_phone_shown"]
        assert outcome.ok
        assert {f.citation.reference() for f in outcome.findings} == {f"{pack_id} · default · 策略版本 2"}
