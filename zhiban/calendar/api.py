"""API: calendar days, a year's status and its duty periods. Read-only; any signed-in user."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from zhiban.calendar import selectors
from zhiban.calendar.models import CalendarDay, CalendarYear
from zhiban.core import dates
from zhiban.core.api_errors import errors
from zhiban.policy.rules import cal_02

router = Router(tags=["calendar"])


class DayOut(Schema):
    date: dt.date
    kind: str
    holiday_name: str
    label: str
    is_working_day: bool
    provisional: bool
    source: str


class YearOut(Schema):
    year: int
    provisional: bool
    source: str
    imported_at: dt.datetime | None
    note: str


class DutyPeriodOut(Schema):
    kind: str
    name: str
    start: dt.datetime
    end: dt.datetime
    first_rest_day: dt.date
    last_rest_day: dt.date


def _range(year: int | None, month: int | None, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The days asked for; bad input is a 422 naming the field."""
    if year is not None:
        if start is not None or end is not None:
            raise ValidationError({"year": "give either year (and month) or start and end, not both"})
        if not dates.FIRST_YEAR <= year <= dates.LAST_YEAR:
            raise ValidationError({"year": f"between {dates.FIRST_YEAR} and {dates.LAST_YEAR}"})
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if not 1 <= month <= 12:
            raise ValidationError({"month": "must be 1 to 12"})
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if month is not None:
        raise ValidationError({"month": "needs a year"})
    if start is None or end is None:
        raise ValidationError({"start" if start is None else "end": "give year (and month) or start and end"})
    if end < start:
        raise ValidationError({"end": "before start"})
    if (end - start).days + 1 > selectors.MAX_RANGE_DAYS:
        raise ValidationError({"end": f"at most {selectors.MAX_RANGE_DAYS} days at once"})
    return start, end


@router.get("/calendar/days", response={200: list[DayOut], **errors(422)})
def list_days(
    request: HttpRequest,
    year: int | None = None,
    month: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[CalendarDay]:
    """Days of a year, a month (`year`, `month`) or a range (`start`, `end`, at most 366 days)."""
    first, last = _range(year, month, start, end)
    return list(selectors.calendar_days(user=request.user, start=first, end=last))


@router.get("/calendar/days/{day}", response={200: DayOut, **errors(404, 422)})
def get_day(request: HttpRequest, day: dt.date) -> CalendarDay:
    try:
        return selectors.calendar_day_get(user=request.user, day=day)
    except CalendarDay.DoesNotExist:
        raise HttpError(404, f"{day} is not in the calendar") from None


@router.get("/calendar/years/{year}", response={200: YearOut, **errors(404, 422)})
def get_year(request: HttpRequest, year: int) -> CalendarYear:
    """Whether the year is provisional (暂定) and where its days come from."""
    try:
        return selectors.calendar_year_get(user=request.user, year=year)
    except CalendarYear.DoesNotExist:
        raise HttpError(404, f"{year} is not in the calendar") from None


@router.get("/calendar/years/{year}/periods", response={200: list[DutyPeriodOut], **errors(404, 422)})
def get_periods(
    request: HttpRequest,
    year: int,
    kind: Literal["holiday", "weekend", "all"] = "holiday",
    work_start: dt.time = cal_02.DEFAULT_WORK_START,
    work_end: dt.time = cal_02.DEFAULT_WORK_END,
) -> list[cal_02.DutyPeriod]:
    """CAL-02 duty periods of the year: from the end of work before the rest days to the start of work after."""
    get_year(request, year)
    if work_start >= work_end:
        raise ValidationError({"work_start": "must be before work_end"})
    return selectors.year_duty_periods(
        user=request.user,
        year=year,
        work_start=work_start,
        work_end=work_end,
        kind=None if kind == "all" else cal_02.PeriodKind(kind),
    )
