"""CAL-01 as a pure rule: make-up workdays work, in-lieu rest days rest; an official arrangement is
validated row by row, naming the row and the column."""

import datetime as dt

import pytest

from zhiban.policy.findings import Severity
from zhiban.policy.rules import cal_01
from zhiban.policy.rules.cal_01 import ArrangementRow, DayKind, DayStatus, OfficialArrangement


def arrangement(year: int, *rows: tuple[str, str, str]) -> OfficialArrangement:
    return OfficialArrangement(year, tuple(ArrangementRow(n + 2, *row) for n, row in enumerate(rows)))


def test_cal_01_makeup_workday_is_working_and_in_lieu_rest_day_is_not() -> None:
    assert cal_01.is_working_day(DayKind.MAKEUP_WORKDAY) is True
    assert cal_01.is_working_day(DayKind.IN_LIEU_REST) is False
    assert cal_01.is_working_day(DayKind.WORKDAY) is True
    assert cal_01.is_working_day(DayKind.WEEKEND) is False
    assert cal_01.is_working_day(DayKind.STATUTORY_HOLIDAY) is False


def test_cal_01_ordinary_kind_changes_between_friday_and_saturday() -> None:
    assert cal_01.ordinary_kind(dt.date(2026, 10, 9)) is DayKind.WORKDAY  # Friday
    assert cal_01.ordinary_kind(dt.date(2026, 10, 10)) is DayKind.WEEKEND  # Saturday
    assert cal_01.ordinary_kind(dt.date(2026, 10, 11)) is DayKind.WEEKEND  # Sunday
    assert cal_01.ordinary_kind(dt.date(2026, 10, 12)) is DayKind.WORKDAY  # Monday


def test_cal_01_valid_arrangement_has_no_findings_and_gives_its_days() -> None:
    facts = arrangement(
        2026,
        ("2026-10-01", "statutory_holiday", "国庆节"),
        ("2026/10/7", "调休休息日", "国庆节"),
        ("2026-10-10", "调休上班", "调休上班（国庆节）"),
    )
    assert cal_01.official_arrangement_valid(facts, {}) == []
    days = cal_01.arrangement_days(facts)
    assert [(d.day, d.kind, d.name) for d in days] == [
        (dt.date(2026, 10, 1), DayKind.STATUTORY_HOLIDAY, "国庆节"),
        (dt.date(2026, 10, 7), DayKind.IN_LIEU_REST, "国庆节"),
        (dt.date(2026, 10, 10), DayKind.MAKEUP_WORKDAY, "国庆节"),
    ]


@pytest.mark.parametrize(
    ("row", "column", "english"),
    [
        (("2026-02-30", "statutory_holiday", "春节"), "date", "is not a date"),
        (("20261001", "statutory_holiday", "国庆节"), "date", "is not a date"),
        (("2027-01-01", "statutory_holiday", "元旦"), "date", "is not in 2026"),
        (("2025-12-31", "statutory_holiday", "元旦"), "date", "is not in 2026"),
        (("2026-10-01", "holiday", "国庆节"), "kind", "unknown kind 'holiday'"),
        (("2026-10-09", "makeup_workday", "国庆节"), "kind", "must be a Saturday or Sunday"),
        (("2026-10-04", "in_lieu_rest", "国庆节"), "kind", "must be a Monday to Friday"),
        (("2026-10-01", "statutory_holiday", ""), "name", "needs the holiday"),
        (("2026-10-10", "makeup_workday", "调休上班"), "name", "needs the holiday"),
    ],
)
def test_cal_01_bad_row_is_refused_naming_row_and_column(row: tuple[str, str, str], column: str, english: str) -> None:
    findings = cal_01.official_arrangement_valid(arrangement(2026, row), {})
    assert len(findings) == 1
    finding = findings[0]
    assert finding.rule_id == "CAL-01"
    assert finding.severity is Severity.ENFORCE
    assert finding.details == {"row": 2, "column": column}
    assert finding.message_en.startswith(f"row 2, column {column}: ")
    assert english in finding.message_en
    assert finding.message_zh.startswith(f"第2行 {column} 列：")


def test_cal_01_year_limits_first_and_last_day_are_inside() -> None:
    facts = arrangement(2026, ("2026-01-01", "statutory_holiday", "元旦"), ("2026-12-31", "in_lieu_rest", "元旦"))
    assert cal_01.official_arrangement_valid(facts, {}) == []


def test_cal_01_duplicate_date_names_the_first_row() -> None:
    facts = arrangement(
        2026,
        ("2026-10-01", "statutory_holiday", "国庆节"),
        ("2026-10-02", "statutory_holiday", "国庆节"),
        ("2026-10-01", "statutory_holiday", "国庆节"),
    )
    findings = cal_01.official_arrangement_valid(facts, {})
    assert [f.message_en for f in findings] == ["row 4, column date: 2026-10-01 is already given in row 2"]


def test_cal_01_empty_arrangement_is_refused() -> None:
    findings = cal_01.official_arrangement_valid(OfficialArrangement(2026, ()), {})
    assert [f.message_en for f in findings] == ["the arrangement for 2026 lists no days"]


def test_cal_01_arrangement_days_refuses_an_invalid_arrangement() -> None:
    with pytest.raises(ValueError, match="not valid"):
        cal_01.arrangement_days(arrangement(2026, ("2026-13-01", "statutory_holiday", "元旦")))


def test_cal_01_working_flag_must_follow_kind() -> None:
    saturday = dt.date(2026, 10, 10)
    assert cal_01.working_day_follows_kind(DayStatus(saturday, "makeup_workday", True, "国庆节"), {}) == []
    wrong = cal_01.working_day_follows_kind(DayStatus(saturday, "makeup_workday", False, "国庆节"), {})
    assert [f.details["field"] for f in wrong] == ["is_working_day"]
    monday = dt.date(2026, 10, 5)
    assert cal_01.working_day_follows_kind(DayStatus(monday, "in_lieu_rest", False, "国庆节"), {}) == []
    wrong = cal_01.working_day_follows_kind(DayStatus(monday, "in_lieu_rest", True, "国庆节"), {})
    assert [f.details["field"] for f in wrong] == ["is_working_day"]
    unknown = cal_01.working_day_follows_kind(DayStatus(monday, "holiday", False), {})
    assert [f.details["field"] for f in unknown] == ["kind"]


def test_cal_01_name_length_limit() -> None:
    day = dt.date(2026, 10, 1)
    at_limit = "节" * cal_01.NAME_MAX_LENGTH
    assert cal_01.kind_problem(day, DayKind.STATUTORY_HOLIDAY, at_limit) is None
    problem = cal_01.kind_problem(day, DayKind.STATUTORY_HOLIDAY, at_limit + "日")
    assert problem is not None
    assert problem[0] == "name"
