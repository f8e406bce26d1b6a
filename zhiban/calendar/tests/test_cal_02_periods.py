"""CAL-02: holiday and weekend duty periods run from the end of work before the rest days to the start of
work after them; make-up workdays count as working days (P2 第二条, P4 第二条)."""

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from zhiban.calendar import sources
from zhiban.policy.findings import Severity
from zhiban.policy.rules import cal_02
from zhiban.policy.rules.cal_02 import DayFact, DutyKind, PeriodKind

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


@cache
def facts_2026() -> tuple[DayFact, ...]:
    """The real 2025 and 2026 arrangements (chinesecalendar), as the selector would hand them over."""
    return tuple(
        DayFact(item.day, item.is_working_day, "" if item.is_working_day else item.holiday_name)
        for year in (2025, 2026)
        for item in sources.chinesecalendar_year(year)
    )


def period_with(periods: list[cal_02.DutyPeriod], day: dt.date) -> cal_02.DutyPeriod:
    return next(p for p in periods if p.first_rest_day <= day <= p.last_rest_day)


def test_cal_02_national_day_2026_runs_to_start_of_work_on_first_working_day_after() -> None:
    periods = cal_02.holiday_periods(facts_2026())
    national = period_with(periods, dt.date(2026, 10, 1))
    assert national.name == "国庆节"
    assert national.kind is PeriodKind.HOLIDAY
    assert (national.first_rest_day, national.last_rest_day) == (dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    assert national.start == at(2026, 9, 30, 17, 30)  # Wednesday's end of work
    assert national.end == at(2026, 10, 8, 8, 30)  # Thursday's start of work
    # At the limit and just past it: the end instant already belongs to the working day.
    assert national.contains(at(2026, 10, 8, 8, 29))
    assert not national.contains(national.end)
    assert national.contains(national.start)
    assert not national.contains(national.start - dt.timedelta(microseconds=1))


def test_cal_02_makeup_saturday_ends_the_week_and_sunday_alone_is_the_weekend() -> None:
    weekends = cal_02.weekend_periods(facts_2026())
    after_national_day = period_with(weekends, dt.date(2026, 10, 11))
    assert (after_national_day.first_rest_day, after_national_day.last_rest_day) == (
        dt.date(2026, 10, 11),
        dt.date(2026, 10, 11),
    )
    assert after_national_day.start == at(2026, 10, 10, 17, 30)  # make-up Saturday's end of work
    assert after_national_day.end == at(2026, 10, 12, 8, 30)
    assert after_national_day.name == "周末"
    # 20 September is a make-up Sunday: the weekend is Saturday alone, Friday evening to Sunday morning.
    before = period_with(weekends, dt.date(2026, 9, 19))
    assert (before.start, before.end) == (at(2026, 9, 18, 17, 30), at(2026, 9, 20, 8, 30))


def test_cal_02_ordinary_weekend_runs_friday_end_of_work_to_monday_start() -> None:
    weekend = period_with(cal_02.weekend_periods(facts_2026()), dt.date(2026, 11, 28))
    assert (weekend.start, weekend.end) == (at(2026, 11, 27, 17, 30), at(2026, 11, 30, 8, 30))
    assert weekend.start.weekday() == 4
    assert weekend.end.weekday() == 0


def test_cal_02_mid_autumn_and_national_day_2026_are_separate_periods() -> None:
    periods = cal_02.holiday_periods(facts_2026())
    mid_autumn = period_with(periods, dt.date(2026, 9, 25))
    assert mid_autumn.name == "中秋节"
    assert (mid_autumn.start, mid_autumn.end) == (at(2026, 9, 24, 17, 30), at(2026, 9, 28, 8, 30))
    names = [p.name for p in periods if p.first_rest_day.year == 2026]
    assert names == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    new_year = periods[[p.name for p in periods].index("元旦", 1)]
    # 2026-01-04 is a make-up Sunday: New Year duty ends there, not on Monday.
    assert (new_year.start, new_year.end) == (at(2025, 12, 31, 17, 30), at(2026, 1, 4, 8, 30))


def test_cal_02_adjacent_holidays_in_one_run_share_a_period() -> None:
    days = [
        DayFact(dt.date(2025, 9, 30), True),
        DayFact(dt.date(2025, 10, 1), False, "国庆节"),
        DayFact(dt.date(2025, 10, 2), False, "中秋节"),
        DayFact(dt.date(2025, 10, 3), True),
    ]
    (period,) = cal_02.rest_periods(days)
    assert period.name == "国庆节、中秋节"
    assert period.rest_days == 2


def test_cal_02_period_at_midnight_start_of_work() -> None:
    """With work starting at midnight the period ends exactly at 00:00 of the working day."""
    days = [
        DayFact(dt.date(2026, 5, 8), True),
        DayFact(dt.date(2026, 5, 9), False),
        DayFact(dt.date(2026, 5, 10), False),
        DayFact(dt.date(2026, 5, 11), True),
    ]
    (weekend,) = cal_02.rest_periods(days, work_start=dt.time(0, 0), work_end=dt.time(23, 59))
    assert weekend.end == at(2026, 5, 11, 0, 0)
    assert cal_02.period_at([weekend], at(2026, 5, 10, 23, 59)) is weekend
    assert cal_02.period_at([weekend], at(2026, 5, 10, 23, 59) + dt.timedelta(seconds=59.999999)) is weekend
    assert cal_02.period_at([weekend], at(2026, 5, 11, 0, 0)) is None
    # The same instant seen from UTC is the same limit.
    assert cal_02.period_at([weekend], dt.datetime(2026, 5, 10, 16, 0, tzinfo=dt.UTC)) is None
    assert cal_02.period_at([weekend], dt.datetime(2026, 5, 10, 15, 59, 59, tzinfo=dt.UTC)) is weekend


def test_cal_02_work_times_are_parameters() -> None:
    national = period_with(
        cal_02.holiday_periods(facts_2026(), work_start=dt.time(9, 0), work_end=dt.time(17, 0)),
        dt.date(2026, 10, 1),
    )
    assert (national.start, national.end) == (at(2026, 9, 30, 17, 0), at(2026, 10, 8, 9, 0))
    with pytest.raises(ValueError, match="before it ends"):
        cal_02.rest_periods(facts_2026(), work_start=dt.time(17, 30), work_end=dt.time(17, 30))


def test_cal_02_runs_at_the_edges_are_left_out() -> None:
    days = [
        DayFact(dt.date(2026, 10, 3), False, "国庆节"),
        DayFact(dt.date(2026, 10, 4), True),
        DayFact(dt.date(2026, 10, 5), False),
    ]
    assert cal_02.rest_periods(days) == []


def test_cal_02_facts_must_be_consecutive() -> None:
    with pytest.raises(ValueError, match="followed by 2026-10-03"):
        cal_02.rest_periods([DayFact(dt.date(2026, 10, 1), True), DayFact(dt.date(2026, 10, 3), True)])
    with pytest.raises(ValueError, match="given twice"):
        cal_02.rest_periods([DayFact(dt.date(2026, 10, 1), True), DayFact(dt.date(2026, 10, 1), True)])


# ----------------------------------------------------------------------------------- company-shifts


def test_cal_02_company_shifts_after_hours_on_working_days_and_day_night_on_rest_days() -> None:
    """Week of 5–12 October 2026: Mon–Wed holiday, Thu–Fri work, make-up Saturday, Sunday rest."""
    window = [f for f in facts_2026() if dt.date(2026, 10, 5) <= f.day <= dt.date(2026, 10, 12)]
    duties = cal_02.company_shift_duties(window)
    by_day: dict[dt.date, list[cal_02.Duty]] = {}
    for duty in duties:
        by_day.setdefault(duty.day, []).append(duty)
    assert [d.kind for d in by_day[dt.date(2026, 10, 7)]] == [DutyKind.DAY, DutyKind.NIGHT]
    night = by_day[dt.date(2026, 10, 7)][1]
    assert (night.start, night.end) == (at(2026, 10, 7, 17, 30), at(2026, 10, 8, 8, 0))
    assert night.holiday_name == "国庆节"
    (after_hours,) = by_day[dt.date(2026, 10, 8)]
    assert after_hours.kind is DutyKind.AFTER_HOURS
    assert (after_hours.start, after_hours.end) == (at(2026, 10, 8, 17, 0), at(2026, 10, 9, 8, 0))
    (saturday,) = by_day[dt.date(2026, 10, 10)]  # make-up Saturday: a working day
    assert saturday.kind is DutyKind.AFTER_HOURS
    assert saturday.end == at(2026, 10, 11, 8, 0)  # Sunday's day shift starts at 8:00
    assert [d.kind for d in by_day[dt.date(2026, 10, 11)]] == [DutyKind.DAY, DutyKind.NIGHT]
    day_shift = by_day[dt.date(2026, 10, 11)][0]
    assert (day_shift.start, day_shift.end) == (at(2026, 10, 11, 8, 0), at(2026, 10, 11, 17, 0))
    assert dt.date(2026, 10, 12) not in by_day  # the last day's next morning is not known


def test_cal_02_company_shifts_ordinary_saturday_works_in_a_six_day_week_only() -> None:
    window = [f for f in facts_2026() if dt.date(2026, 11, 27) <= f.day <= dt.date(2026, 11, 30)]
    six = {d.day: d.kind for d in cal_02.company_shift_duties(window) if d.day == dt.date(2026, 11, 28)}
    assert six == {dt.date(2026, 11, 28): DutyKind.AFTER_HOURS}
    five = [d.kind for d in cal_02.company_shift_duties(window, six_day_week=False) if d.day == dt.date(2026, 11, 28)]
    assert five == [DutyKind.DAY, DutyKind.NIGHT]
    # A holiday Saturday rests even in a six-day week.
    holiday = [f for f in facts_2026() if dt.date(2026, 10, 2) <= f.day <= dt.date(2026, 10, 4)]
    kinds = [d.kind for d in cal_02.company_shift_duties(holiday) if d.day == dt.date(2026, 10, 3)]
    assert kinds == [DutyKind.DAY, DutyKind.NIGHT]


# ------------------------------------------------------------------------------------------ coverage


def _coverage(*duties: tuple[dt.datetime, dt.datetime]) -> cal_02.DutyCoverage:
    window = tuple(f for f in facts_2026() if dt.date(2026, 9, 29) <= f.day <= dt.date(2026, 10, 9))
    return cal_02.DutyCoverage(days=window, duties=duties)


def test_cal_02_check_full_coverage_of_the_holiday_has_no_finding() -> None:
    facts = _coverage(
        (at(2026, 9, 30, 17, 30), at(2026, 10, 4, 8, 30)),
        (at(2026, 10, 4, 8, 30), at(2026, 10, 8, 8, 30)),
    )
    assert cal_02.rest_periods_covered(facts, {}) == []


def test_cal_02_check_one_minute_gap_is_found() -> None:
    facts = _coverage(
        (at(2026, 9, 30, 17, 30), at(2026, 10, 4, 8, 30)),
        (at(2026, 10, 4, 8, 31), at(2026, 10, 8, 8, 30)),
    )
    (finding,) = cal_02.rest_periods_covered(facts, {})
    assert finding.rule_id == "CAL-02"
    assert finding.severity is Severity.WARN
    assert finding.details["start"] == at(2026, 10, 4, 8, 30).isoformat()
    assert finding.details["end"] == at(2026, 10, 4, 8, 31).isoformat()
    assert "国庆节" in finding.message_zh


def test_cal_02_check_duty_ending_one_minute_early_leaves_the_end_uncovered() -> None:
    facts = _coverage((at(2026, 9, 30, 17, 30), at(2026, 10, 8, 8, 29)))
    (finding,) = cal_02.rest_periods_covered(facts, {"work_start": dt.time(8, 30), "work_end": dt.time(17, 30)})
    assert finding.details["end"] == at(2026, 10, 8, 8, 30).isoformat()
