"""Reads of the calendar. The calendar is public within the organisation: any signed-in user reads it,
anonymous users get nothing. Season settings are shown for the units the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from zhiban.calendar.models import CalendarDay, CalendarYear, SeasonSetting
from zhiban.org import selectors as org_selectors
from zhiban.org.models import Unit
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.rules import cal_01, cal_02, cal_03

# Rest days at the edges of a range need the working days around them (CAL-02).
PERIOD_MARGIN = dt.timedelta(days=31)
MAX_RANGE_DAYS = 366


def can_read(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def calendar_days(*, user: Any, start: dt.date, end: dt.date) -> QuerySet[CalendarDay]:
    """The stored days from `start` to `end` inclusive."""
    if not can_read(user):
        return CalendarDay.objects.none()
    return CalendarDay.objects.filter(date__gte=start, date__lte=end).order_by("date")


def calendar_day_get(*, user: Any, day: dt.date) -> CalendarDay:
    """The stored day, or CalendarDay.DoesNotExist."""
    return calendar_days(user=user, start=day, end=day).get()


def calendar_years(*, user: Any) -> QuerySet[CalendarYear]:
    if not can_read(user):
        return CalendarYear.objects.none()
    return CalendarYear.objects.order_by("year")


def calendar_year_get(*, user: Any, year: int) -> CalendarYear:
    """The year's status, or CalendarYear.DoesNotExist (not seeded, or not readable)."""
    return calendar_years(user=user).get(year=year)


def day_facts(start: dt.date, end: dt.date) -> list[cal_02.DayFact]:
    """CAL-02 facts for every date from `start` to `end`, for services and the solver.

    A date not in the table (a year not seeded) counts as an ordinary workday or weekend.
    """
    stored = {
        row["date"]: row
        for row in CalendarDay.objects.filter(date__gte=start, date__lte=end).values(
            "date", "is_working_day", "holiday_name", "kind"
        )
    }
    facts = []
    day = start
    while day <= end:
        row = stored.get(day)
        if row is None:
            facts.append(cal_02.DayFact(day, cal_01.is_working_day(cal_01.ordinary_kind(day))))
        else:
            name = "" if row["is_working_day"] else row["holiday_name"]
            facts.append(cal_02.DayFact(day, row["is_working_day"], name))
        day += dt.timedelta(days=1)
    return facts


def duty_periods(
    *,
    user: Any,
    start: dt.date,
    end: dt.date,
    work_start: dt.time = cal_02.DEFAULT_WORK_START,
    work_end: dt.time = cal_02.DEFAULT_WORK_END,
    kind: cal_02.PeriodKind | None = None,
) -> list[cal_02.DutyPeriod]:
    """Holiday and weekend duty periods whose rest days touch the dates from `start` to `end`."""
    if not can_read(user):
        return []
    facts = day_facts(start - PERIOD_MARGIN, end + PERIOD_MARGIN)
    periods = cal_02.rest_periods(facts, work_start=work_start, work_end=work_end)
    return [
        period
        for period in periods
        if period.last_rest_day >= start and period.first_rest_day <= end and (kind is None or period.kind is kind)
    ]


def year_duty_periods(*, user: Any, year: int, **options: Any) -> list[cal_02.DutyPeriod]:
    return duty_periods(user=user, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), **options)


# ------------------------------------------------------------------------------------------- seasons


@dataclass(frozen=True)
class EffectiveSeasons:
    """The season dates that apply to a unit and where they come from (a unit, or the default)."""

    unit: Unit
    dates: cal_03.SeasonDates
    set_at: Unit | None

    @property
    def is_default(self) -> bool:
        return self.set_at is None

    @property
    def inherited(self) -> bool:
        return self.set_at is not None and self.set_at.pk != self.unit.pk


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.split(".") if part]


def effective_seasons(unit: Unit, settings: dict[int, SeasonSetting] | None = None) -> EffectiveSeasons:
    """The nearest setting on the unit or an ancestor, else the default (CAL-03)."""
    ancestors = _ancestor_ids(unit) or [unit.pk]
    if settings is None:
        settings = {
            setting.unit_id: setting
            for setting in SeasonSetting.objects.select_related("unit").filter(unit_id__in=ancestors)
        }
    for unit_id in reversed(ancestors):
        setting = settings.get(unit_id)
        if setting is not None:
            return EffectiveSeasons(unit=unit, dates=setting.dates, set_at=setting.unit)
    return EffectiveSeasons(unit=unit, dates=pack_season_dates(unit), set_at=None)


def pack_season_dates(unit: Unit) -> cal_03.SeasonDates:
    """The season dates of the unit's pack (CAL-03 `summer_starts` / `winter_starts`), else the default ones."""
    resolved = policy_selectors.resolved_for_unit(unit)
    if resolved is None or not resolved.pack.declares(cal_03.RULE_ID):
        return cal_03.DEFAULT_SEASON_DATES
    return cal_03.season_dates_from(resolved.parameters(cal_03.RULE_ID))


def season_dates_set_for(unit: Unit) -> cal_03.SeasonDates | None:
    """The dates set for the unit or an ancestor, or None so the pack's parameters apply
    (what `cal_03.SeasonalShift.seasons` expects)."""
    effective = effective_seasons(unit)
    return None if effective.is_default else effective.dates


def season_on(*, unit: Unit, day: dt.date) -> cal_03.Season:
    """The season of a date for a unit."""
    return cal_03.season_on(day, effective_seasons(unit).dates)


def season_overview(*, user: Any) -> list[EffectiveSeasons]:
    """The effective season dates of every unit the user may see."""
    if not can_read(user):
        return []
    units = list(org_selectors.unit_list(user=user))
    settings = {setting.unit_id: setting for setting in SeasonSetting.objects.select_related("unit")}
    return [effective_seasons(unit, settings) for unit in units]
