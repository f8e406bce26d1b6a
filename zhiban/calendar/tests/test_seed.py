"""Seeding: 2024–2026 from chinesecalendar cross-checked with holidays, 2027 provisional from holidays;
idempotent; disagreements reported; imported years and corrections kept."""

import dataclasses
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from zhiban.calendar import services, sources
from zhiban.calendar.management.commands.calendar import Command, parse_years
from zhiban.calendar.models import CalendarDay, CalendarYear, Kind, Source
from zhiban.calendar.tests.conftest import snapshot
from zhiban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def day(iso: str) -> CalendarDay:
    return CalendarDay.objects.get(date=dt.date.fromisoformat(iso))


def test_cal_01_seed_2026_known_facts(seeded: services.SeedReport) -> None:
    national = day("2026-10-01")
    assert (national.kind, national.holiday_name, national.is_working_day) == (Kind.STATUTORY_HOLIDAY, "国庆节", False)
    spring = day("2026-02-17")
    assert (spring.kind, spring.holiday_name, spring.is_working_day) == (Kind.STATUTORY_HOLIDAY, "春节", False)
    makeup = day("2026-10-10")  # Saturday
    assert (makeup.kind, makeup.holiday_name, makeup.is_working_day) == (Kind.MAKEUP_WORKDAY, "国庆节", True)
    assert makeup.label == "调休上班"
    assert makeup.full_label == "调休上班（国庆节）"
    assert day("2026-09-20").kind == Kind.MAKEUP_WORKDAY
    in_lieu = day("2026-10-07")  # Wednesday off for the make-up Saturday
    assert (in_lieu.kind, in_lieu.is_working_day) == (Kind.IN_LIEU_REST, False)
    assert day("2026-10-04").kind == Kind.WEEKEND
    assert day("2026-10-04").holiday_name == "国庆节"
    assert (day("2026-10-08").kind, day("2026-10-08").is_working_day) == (Kind.WORKDAY, True)
    assert CalendarDay.objects.filter(date__year=2026).count() == 365
    year = CalendarYear.objects.get(year=2026)
    assert (year.provisional, year.source) == (False, Source.CHINESECALENDAR)
    assert "0 处不一致" in year.note
    assert seeded.disagreements == []


def test_cal_01_seed_2027_is_provisional_statutory_days_only(seeded: services.SeedReport) -> None:
    year = CalendarYear.objects.get(year=2027)
    assert (year.provisional, year.source) == (True, Source.HOLIDAYS)
    assert "暂定" in year.note
    days = CalendarDay.objects.filter(date__year=2027)
    assert days.count() == 365
    assert all(row.provisional for row in days)
    assert not days.filter(kind__in=[Kind.MAKEUP_WORKDAY, Kind.IN_LIEU_REST]).exists()
    assert day("2027-10-01").kind == Kind.STATUTORY_HOLIDAY
    assert day("2027-02-06").holiday_name == "春节"
    # holidays' guessed 补假 for a statutory day on a weekend is not applied before the notice.
    assert (day("2027-10-04").kind, day("2027-10-04").is_working_day) == (Kind.WORKDAY, True)


def test_cal_01_seed_is_idempotent(seeded: services.SeedReport) -> None:
    before = snapshot()
    report = services.calendar_seed(actor=None, years=[2026, 2027])
    assert [(r.created, r.updated, r.year_changed) for r in report.years] == [(0, 0, False), (0, 0, False)]
    assert snapshot() == before


def test_cal_01_seed_records_one_audit_event(db: None) -> None:
    services.calendar_seed(actor=None, years=[2026, 2027])
    (event,) = AuditEvent.objects.filter(action="calendar.seed")
    assert event.object_id == "2026,2027"
    assert event.summary["after"]["2026"]["created"] == 365
    assert event.summary["after"]["2027"]["provisional"] is True


def _reference_with_one_change(year: int) -> list[sources.LibraryDay]:
    """`holidays` as it is, except that it calls 2026-10-08 a rest day of 国庆节."""
    result = sources.holidays_year(year)
    return [
        dataclasses.replace(item, is_working_day=False, holiday_name="国庆节", statutory=True)
        if item.day == dt.date(2026, 10, 8)
        else item
        for item in result
    ]


def test_cal_01_cross_check_reports_an_injected_disagreement(db: None) -> None:
    report = services.calendar_seed(actor=None, years=[2026], reference=_reference_with_one_change)
    found = {(d.day, d.field) for d in report.disagreements}
    assert found == {(dt.date(2026, 10, 8), "is_working_day"), (dt.date(2026, 10, 8), "holiday_name")}
    note = CalendarYear.objects.get(year=2026).note
    assert "2 处不一致" in note
    assert "2026-10-08 is_working_day: chinesecalendar True, holidays False" in note
    # chinesecalendar stays the source of the day; the disagreement is reported, not applied.
    assert day("2026-10-08").is_working_day is True
    event = AuditEvent.objects.get(action="calendar.seed")
    assert len(event.summary["after"]["2026"]["disagreements"]) == 2
    output = StringIO()
    Command(stdout=output).print_report(report)
    assert "disagreement: 2026-10-08 is_working_day" in output.getvalue()


def test_cal_01_cross_check_of_the_real_libraries_agrees_for_2024_to_2026() -> None:
    for year in (2024, 2025, 2026):
        assert sources.cross_check(sources.chinesecalendar_year(year), sources.holidays_year(year)) == []


def test_cal_01_seed_keeps_manual_corrections_and_imported_years(seeded: services.SeedReport) -> None:
    services.calendar_day_correct(
        actor=None, day=dt.date(2026, 12, 31), kind="in_lieu_rest", holiday_name="元旦", reason="单位通知"
    )
    CalendarYear.objects.filter(year=2027).update(source=Source.OFFICIAL_IMPORT, imported_at=dt.datetime.now(dt.UTC))
    CalendarDay.objects.filter(date=dt.date(2027, 3, 1)).update(kind=Kind.IN_LIEU_REST, is_working_day=False)
    report = services.calendar_seed(actor=None, years=[2026, 2027])
    assert report.years[0].kept == 1
    assert day("2026-12-31").kind == Kind.IN_LIEU_REST
    assert report.years[1].skipped.startswith("official arrangement imported")
    assert day("2027-03-01").kind == Kind.IN_LIEU_REST


def test_cal_01_seed_updates_a_library_day_that_changed(seeded: services.SeedReport) -> None:
    CalendarDay.objects.filter(date=dt.date(2026, 10, 8)).update(kind=Kind.WEEKEND, is_working_day=False)
    report = services.calendar_seed(actor=None, years=[2026])
    assert report.years[0].updated == 1
    assert day("2026-10-08").kind == Kind.WORKDAY


def test_seed_command_prints_each_year(db: None) -> None:
    output = StringIO()
    call_command("calendar", "seed", "--years", "2026-2027", stdout=output)
    text = output.getvalue()
    assert "2026: chinesecalendar, confirmed; 365 created" in text
    assert "2027: holidays, provisional; 365 created" in text
    assert CalendarYear.objects.count() == 2


def test_seed_command_years_argument() -> None:
    assert parse_years("2024-2027") == [2024, 2025, 2026, 2027]
    assert parse_years("2026") == [2026]
    assert parse_years("2024,2026") == [2024, 2026]
    with pytest.raises(Exception, match="not a year"):
        parse_years("twenty")
    with pytest.raises(Exception, match="not a sensible range"):
        parse_years("2027-2024")
