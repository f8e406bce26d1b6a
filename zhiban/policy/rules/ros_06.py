"""ROS-06 — the roster is printed, exported to Excel and subscribed to as a calendar (a product function; the printed
sheet offices use is described at the end of docs/RULES.md).

What a printed or exported sheet (print page, PDF and xlsx share one layout, `roster/exports/printing.py`) must carry
is checked here over each month's sheet as it is about to be handed out: the unit in its title and the published
version with its date (a draft says it is one), every duty of every day with the names of its people, holidays and
make-up workdays marked as offices write them (元旦, 春节, 调休上班), and the duty-room phone in the footer. Each
thing missing is a finding the print page shows above the sheet. The pack's `paper` and `show_mobile` shape the
sheet itself. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "ROS-06"

MAKEUP_MARK = "调休上班"
MARKED_KINDS = ("statutory_holiday", "in_lieu_rest")  # marked with the holiday's name, where the calendar gives one
LISTED = 5  # days named in a finding before "…"


@dataclass(frozen=True)
class SheetDuty:
    """One post of one shift on a day of the sheet: how many people it takes and the names the sheet prints."""

    shift_name: str
    post_label: str
    headcount: int
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetDay:
    """A day of the sheet: its calendar kind and holiday, the mark the sheet prints, and its duties."""

    day: dt.date
    kind: str
    holiday: str
    mark: str
    duties: tuple[SheetDuty, ...] = ()


@dataclass(frozen=True)
class RosterSheet:
    """One month's sheet as printed: title, unit, published version (None: a draft) and date, duty-room phone, days."""

    title: str
    unit_name: str
    version: int | None
    published: dt.date | None
    duty_phone: str
    days: tuple[SheetDay, ...]


def sheet_layout(params: Mapping[str, Any]) -> tuple[str, bool]:
    """The printed sheet's paper (`paper`: A4 landscape by default, or portrait) and whether mobiles are listed
    beside office phones (`show_mobile`)."""
    return str(params.get("paper", "A4-landscape")), bool(params.get("show_mobile", True))


def _days(days: list[dt.date]) -> tuple[str, str]:
    shown = days[:LISTED]
    more = len(days) > LISTED
    zh = "、".join(f"{d.month}月{d.day}日" for d in shown) + ("等" if more else "")
    en = ", ".join(d.isoformat() for d in shown) + (", …" if more else "")
    return zh, en


def _report(zh: str, en: str, **details: Any) -> Finding:
    return Finding(RULE_ID, Severity.REPORT, zh, en, details)


def heading(facts: RosterSheet, params: Mapping[str, Any]) -> list[Finding]:
    """The title names the unit; the sheet carries the published version and its date (else it is a draft)."""
    findings = []
    if facts.unit_name not in facts.title:
        findings.append(
            _report(
                f"{facts.title}：标题未写明单位“{facts.unit_name}”",
                f"{facts.title}: the title does not name the unit {facts.unit_name}",
                field="title",
            )
        )
    if facts.version is None or facts.published is None:
        findings.append(
            _report(
                f"{facts.title}：尚未公布（草稿），打印件没有公布版本和发布日期，不是正式值班表",
                f"{facts.title}: not published (a draft); the sheet has no published version or date",
                field="version",
            )
        )
    return findings


def every_duty_named(facts: RosterSheet, params: Mapping[str, Any]) -> list[Finding]:
    """Every post of every shift worked on each day is printed with as many names as it takes."""
    short = [(day.day, duty) for day in facts.days for duty in day.duties if duty.headcount > len(duty.names)]
    if not short:
        return []
    days = sorted({day for day, _ in short})
    days_zh, days_en = _days(days)
    places = sum(duty.headcount - len(duty.names) for _, duty in short)
    return [
        _report(
            f"{facts.title}：{len(days)}天有岗位未写明值班人员（共缺{places}人）：{days_zh}",
            f"{facts.title}: {len(days)} days print a post without its people ({places} places): {days_en}",
            days=[d.isoformat() for d in days],
            places=places,
        )
    ]


def expected_mark(kind: str, holiday: str) -> str:
    """What the sheet prints for a day: the holiday's name on holidays and the rest days around them, 调休上班 on a
    make-up workday, nothing on an ordinary day."""
    if kind == "makeup_workday":
        return MAKEUP_MARK
    if kind in MARKED_KINDS and holiday:
        return holiday
    return ""


def holidays_marked(facts: RosterSheet, params: Mapping[str, Any]) -> list[Finding]:
    """Holidays, in-lieu rest days and make-up workdays are marked on the sheet as offices write them."""
    unmarked = [
        day.day for day in facts.days if (want := expected_mark(day.kind, day.holiday)) and want not in day.mark
    ]
    if not unmarked:
        return []
    days_zh, days_en = _days(unmarked)
    return [
        _report(
            f"{facts.title}：节假日或调休上班日未标注：{days_zh}",
            f"{facts.title}: holidays or make-up workdays not marked: {days_en}",
            days=[d.isoformat() for d in unmarked],
        )
    ]


def duty_phone_shown(facts: RosterSheet, params: Mapping[str, Any]) -> list[Finding]:
    """The footer gives the duty room's phone (the unit's, else its organisation's)."""
    if facts.duty_phone.strip():
        return []
    return [
        _report(
            f"{facts.title}：页脚没有值班室电话（请在单位信息中填写）",
            f"{facts.title}: the footer has no duty-room phone (set it on the unit)",
            field="duty_phone",
        )
    ]


CHECKS = {
    "heading": heading,
    "every_duty_named": every_duty_named,
    "holidays_marked": holidays_marked,
    "duty_phone_shown": duty_phone_shown,
}
