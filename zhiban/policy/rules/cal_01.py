"""CAL-01 — official holidays and make-up working days (调休上班日) decide which days are working days.

A make-up working day is a working day and an in-lieu rest day a rest day, whatever the weekday.
The checks validate one year's official arrangement (the State Council notice) before the importer
writes it, and keep a day's kind and working-day flag in step. Django-free.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "CAL-01"


class DayKind(StrEnum):
    """The kinds of day of the state calendar."""

    WORKDAY = "workday"  # 工作日
    WEEKEND = "weekend"  # 周末
    STATUTORY_HOLIDAY = "statutory_holiday"  # 法定节假日
    IN_LIEU_REST = "in_lieu_rest"  # 调休休息日
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班日


WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY})
SPECIAL_KINDS = frozenset({DayKind.STATUTORY_HOLIDAY, DayKind.IN_LIEU_REST, DayKind.MAKEUP_WORKDAY})
KIND_LABELS_ZH = {
    DayKind.WORKDAY: "工作日",
    DayKind.WEEKEND: "周末",
    DayKind.STATUTORY_HOLIDAY: "法定节假日",
    DayKind.IN_LIEU_REST: "调休休息日",
    DayKind.MAKEUP_WORKDAY: "调休上班日",
}

# The holidays as offices write them (元旦 … 国庆节).
HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
MAKEUP_LABEL = "调休上班"
NAME_MAX_LENGTH = 60

# What the `kind` column of an official arrangement may say: the codes and the Chinese terms.
KIND_ALIASES: Mapping[str, DayKind] = {
    **{kind.value: kind for kind in DayKind},
    "工作日": DayKind.WORKDAY,
    "周末": DayKind.WEEKEND,
    "法定节假日": DayKind.STATUTORY_HOLIDAY,
    "法定假日": DayKind.STATUTORY_HOLIDAY,
    "节假日": DayKind.STATUTORY_HOLIDAY,
    "调休休息日": DayKind.IN_LIEU_REST,
    "调休": DayKind.IN_LIEU_REST,
    "补假": DayKind.IN_LIEU_REST,
    "调休上班日": DayKind.MAKEUP_WORKDAY,
    "调休上班": DayKind.MAKEUP_WORKDAY,
    "补班": DayKind.MAKEUP_WORKDAY,
    "上班": DayKind.MAKEUP_WORKDAY,
}

_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def is_working_day(kind: DayKind | str) -> bool:
    """A make-up working day is a working day; an in-lieu rest day is a rest day."""
    return DayKind(kind) in WORKING_KINDS


def ordinary_kind(day: dt.date) -> DayKind:
    """The kind of a day the official arrangement does not mention: Monday–Friday work, weekends rest."""
    return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY


def parse_kind(text: str) -> DayKind | None:
    return KIND_ALIASES.get(text.strip().lower())


def parse_date(text: str) -> dt.date | None:
    """`2026-10-01` or `2026/10/1`; None when it is not a real date."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def clean_name(kind: DayKind, name: str) -> str:
    """The holiday a day belongs to; for a make-up day `调休上班（国庆节）` and `国庆节调休上班` give `国庆节`."""
    name = name.strip()
    if kind is DayKind.MAKEUP_WORKDAY:
        name = re.sub(r"[（(]\s*|\s*[）)]", "", name.replace(MAKEUP_LABEL, "")).strip()
    return name


def kind_problem(day: dt.date, kind: DayKind, name: str) -> tuple[str, str, str] | None:
    """Why this kind or name cannot be right for this date: (column, zh, en), or None."""
    weekend = day.weekday() >= 5
    if kind is DayKind.MAKEUP_WORKDAY and not weekend:
        return ("kind", "调休上班日只能是星期六或星期日", "a make-up workday must be a Saturday or Sunday")
    if kind is DayKind.IN_LIEU_REST and weekend:
        return ("kind", "调休休息日只能是星期一至星期五", "an in-lieu rest day must be a Monday to Friday")
    if kind is DayKind.WORKDAY and weekend:
        return ("kind", "周末上班请填 makeup_workday（调休上班日）", "a working weekend day is a makeup_workday")
    if kind is DayKind.WEEKEND and not weekend:
        return ("kind", "工作日休息请填 in_lieu_rest（调休休息日）", "a weekday off is an in_lieu_rest day")
    if kind in SPECIAL_KINDS and not name:
        return ("name", "须填写所属节日（如 国庆节）", "needs the holiday it belongs to (e.g. 国庆节)")
    if len(name) > NAME_MAX_LENGTH:
        return ("name", f"名称不得超过{NAME_MAX_LENGTH}字", f"the name is longer than {NAME_MAX_LENGTH} characters")
    return None


@dataclass(frozen=True)
class ArrangementRow:
    """One row of an official arrangement as read from the file (line 1 is the header)."""

    line: int
    date: str
    kind: str
    name: str = ""


@dataclass(frozen=True)
class OfficialArrangement:
    """A year's official arrangement (国务院办公厅关于…部分节假日安排的通知) as rows to validate."""

    year: int
    rows: tuple[ArrangementRow, ...]


@dataclass(frozen=True)
class ArrangementDay:
    """A special day of a validated arrangement."""

    day: dt.date
    kind: DayKind
    name: str


def _row_finding(row: ArrangementRow, column: str, zh: str, en: str) -> Finding:
    return Finding(
        RULE_ID,
        Severity.ENFORCE,
        f"第{row.line}行 {column} 列：{zh}",
        f"row {row.line}, column {column}: {en}",
        {"row": row.line, "column": column},
    )


def official_arrangement_valid(facts: OfficialArrangement, params: Mapping[str, Any]) -> list[Finding]:
    """Every row a real date of the year, a known kind fitting its weekday, a name, no date twice."""
    findings: list[Finding] = []
    seen: dict[dt.date, int] = {}
    if not facts.rows:
        findings.append(
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{facts.year}年的安排没有任何日期",
                f"the arrangement for {facts.year} lists no days",
                {"row": None, "column": None},
            )
        )
    for row in facts.rows:
        day = parse_date(row.date)
        if day is None:
            findings.append(
                _row_finding(
                    row,
                    "date",
                    f"“{row.date}”不是有效日期（应为 YYYY-MM-DD）",
                    f"{row.date!r} is not a date (YYYY-MM-DD)",
                )
            )
        elif day.year != facts.year:
            findings.append(
                _row_finding(row, "date", f"{day.isoformat()} 不在{facts.year}年内", f"{day} is not in {facts.year}")
            )
        elif day in seen:
            findings.append(
                _row_finding(
                    row,
                    "date",
                    f"{day.isoformat()} 已在第{seen[day]}行出现",
                    f"{day} is already given in row {seen[day]}",
                )
            )
        else:
            seen[day] = row.line
        kind = parse_kind(row.kind)
        if kind is None:
            known = ", ".join(kind.value for kind in DayKind)
            findings.append(
                _row_finding(
                    row, "kind", f"未知类型“{row.kind}”（可用：{known}）", f"unknown kind {row.kind!r}; one of {known}"
                )
            )
        if day is not None and kind is not None:
            problem = kind_problem(day, kind, clean_name(kind, row.name))
            if problem is not None:
                findings.append(_row_finding(row, *problem))
    return findings


def arrangement_days(facts: OfficialArrangement) -> list[ArrangementDay]:
    """The special days of an arrangement that `official_arrangement_valid` found no fault with."""
    if official_arrangement_valid(facts, {}):
        raise ValueError("the arrangement is not valid; run official_arrangement_valid first")
    days = []
    for row in facts.rows:
        kind = parse_kind(row.kind)
        day = parse_date(row.date)
        assert kind is not None
        assert day is not None
        days.append(ArrangementDay(day=day, kind=kind, name=clean_name(kind, row.name)))
    return sorted(days, key=lambda item: item.day)


@dataclass(frozen=True)
class DayStatus:
    """A calendar day as stored or about to be stored."""

    day: dt.date
    kind: str
    is_working_day: bool
    name: str = ""


def working_day_follows_kind(facts: DayStatus, params: Mapping[str, Any]) -> list[Finding]:
    """The working-day flag must follow the kind; the kind must fit the weekday and carry its holiday."""
    try:
        kind = DayKind(facts.kind)
    except ValueError:
        return [
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{facts.day.isoformat()} 的类型“{facts.kind}”未知",
                f"{facts.day}: unknown kind {facts.kind!r}",
                {"date": facts.day.isoformat(), "field": "kind"},
            )
        ]
    findings = []
    if facts.is_working_day != is_working_day(kind):
        zh_state = "工作日" if is_working_day(kind) else "休息日"
        en_state = "a working day" if is_working_day(kind) else "a rest day"
        findings.append(
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{facts.day.isoformat()} 是{KIND_LABELS_ZH[kind]}，应为{zh_state}",
                f"{facts.day} is a {kind.value} day and therefore {en_state}",
                {"date": facts.day.isoformat(), "field": "is_working_day"},
            )
        )
    problem = kind_problem(facts.day, kind, facts.name)
    if problem is not None:
        column, zh, en = problem
        findings.append(
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{facts.day.isoformat()}：{zh}",
                f"{facts.day}: {en}",
                {"date": facts.day.isoformat(), "field": column},
            )
        )
    return findings


def summary_of(days: Sequence[ArrangementDay]) -> list[dict[str, str]]:
    """Plain rows (for an audit event or a report)."""
    return [{"date": item.day.isoformat(), "kind": item.kind.value, "name": item.name} for item in days]


CHECKS = {
    "official_arrangement_valid": official_arrangement_valid,
    "working_day_follows_kind": working_day_follows_kind,
}
