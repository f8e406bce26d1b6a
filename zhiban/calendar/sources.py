"""What the holiday libraries say about a year, as plain facts, and where they disagree.

`chinesecalendar` follows the State Council notices (working/rest, the holiday, in-lieu days) but
stops at the last published year; `holidays` knows the statutory days of any year and, for
published years, the 调休 swaps. The seed uses the first and cross-checks it against the second.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import chinese_calendar
import holidays

from zhiban.policy.rules.cal_01 import DayKind, ordinary_kind

# chinesecalendar's English holiday names → as offices write them.
CHINESECALENDAR_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
# `holidays` (zh_CN) names that differ from the office name of their holiday.
HOLIDAYS_NAMES = {"农历除夕": "春节"}
_COMPENSATORY = re.compile(r"^(?P<name>.+)（补假）$")
_SWAPPED = re.compile(r"^休息日（由 (?P<date>\d{4}-\d{2}-\d{2}) 调休）$")


class NoDataForYear(LookupError):
    """The library has no data for the year."""


@dataclass(frozen=True)
class LibraryDay:
    """One day as a library sees it.

    `statutory` is None when the library cannot tell a statutory day from another rest day of the
    holiday (chinesecalendar); `swapped` marks a weekday off in exchange for a make-up workday;
    `compensatory` a weekday off because a statutory day fell on a weekend (补假).
    """

    day: dt.date
    is_working_day: bool
    holiday_name: str = ""
    makeup: bool = False
    swapped: bool = False
    compensatory: bool | None = None
    statutory: bool | None = None


def _days_of(year: int) -> Iterator[dt.date]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def chinesecalendar_year(year: int) -> list[LibraryDay]:
    """The year from chinesecalendar; NoDataForYear when the library does not cover it."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError as error:
        raise NoDataForYear(str(error)) from None
    result = []
    for day in _days_of(year):
        working = chinese_calendar.is_workday(day)
        _, english = chinese_calendar.get_holiday_detail(day)
        name = CHINESECALENDAR_NAMES.get(english, english) if english else ""
        result.append(
            LibraryDay(
                day=day,
                is_working_day=working,
                holiday_name=name,
                makeup=working and day.weekday() >= 5,
                swapped=not working and chinese_calendar.is_in_lieu(day),
            )
        )
    return result


def holidays_year(year: int) -> list[LibraryDay]:
    """The year from `holidays` (China, zh_CN labels)."""
    table = holidays.country_holidays("CN", years=[year - 1, year, year + 1], language="zh_CN")
    makeup_days = {day for day in table.weekend_workdays if day.year == year}
    result = []
    for day in _days_of(year):
        label = table.get(day) or ""
        swapped = _SWAPPED.match(label)
        compensatory = _COMPENSATORY.match(label)
        if swapped:
            name, statutory = "", False
        elif compensatory:
            name, statutory = compensatory.group("name"), False
        else:
            name, statutory = label, bool(label)
        name = HOLIDAYS_NAMES.get(name, name)
        working = day in makeup_days or (not label and day.weekday() < 5)
        result.append(
            LibraryDay(
                day=day,
                is_working_day=working,
                holiday_name=name,
                makeup=day in makeup_days,
                swapped=bool(swapped),
                compensatory=bool(compensatory),
                statutory=statutory,
            )
        )
    return result


@dataclass(frozen=True)
class Disagreement:
    """Where the two libraries differ about a day."""

    day: dt.date
    field: str
    primary: object
    reference: object

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.field}: chinesecalendar {self.primary!r}, holidays {self.reference!r}"


def cross_check(primary: list[LibraryDay], reference: list[LibraryDay]) -> list[Disagreement]:
    """Every difference in what both libraries can say: working or not, make-up, swapped, the holiday.

    `holidays` names only the statutory and 补假 days, so names are compared on those days; a weekend
    day inside a holiday that only chinesecalendar names is no disagreement.
    """
    by_day = {item.day: item for item in reference}
    found = []
    for mine in primary:
        theirs = by_day.get(mine.day)
        if theirs is None:
            found.append(Disagreement(mine.day, "present", True, False))
            continue
        for field in ("is_working_day", "makeup", "swapped"):
            if getattr(mine, field) != getattr(theirs, field):
                found.append(Disagreement(mine.day, field, getattr(mine, field), getattr(theirs, field)))
        if theirs.holiday_name and mine.holiday_name != theirs.holiday_name:
            found.append(Disagreement(mine.day, "holiday_name", mine.holiday_name, theirs.holiday_name))
    return found


@dataclass(frozen=True)
class SeedDay:
    """A day as the seed writes it."""

    day: dt.date
    kind: DayKind
    holiday_name: str


def classify(primary: LibraryDay, reference: LibraryDay | None) -> SeedDay:
    """The kind of a day of a published year: chinesecalendar decides working or rest, the holiday and
    the swaps; it cannot tell a statutory day from a weekend or 补假 day of the same holiday, so the
    statutory list of `holidays` (already cross-checked) refines that."""
    name = primary.holiday_name
    if primary.is_working_day:
        if primary.makeup:
            return SeedDay(primary.day, DayKind.MAKEUP_WORKDAY, name)
        return SeedDay(primary.day, DayKind.WORKDAY, "")
    if not name:
        return SeedDay(primary.day, ordinary_kind(primary.day), "")
    if primary.swapped:
        return SeedDay(primary.day, DayKind.IN_LIEU_REST, name)
    weekday = primary.day.weekday() < 5
    listed_statutory = reference is not None and bool(reference.statutory)
    if weekday:
        compensatory = reference is not None and bool(reference.compensatory)
        return SeedDay(primary.day, DayKind.IN_LIEU_REST if compensatory else DayKind.STATUTORY_HOLIDAY, name)
    return SeedDay(primary.day, DayKind.STATUTORY_HOLIDAY if listed_statutory else DayKind.WEEKEND, name)


def provisional_day(reference: LibraryDay) -> SeedDay:
    """A day of an unpublished year: only the statutory days of `holidays`; no swaps, no 补假 yet."""
    if reference.statutory:
        return SeedDay(reference.day, DayKind.STATUTORY_HOLIDAY, reference.holiday_name)
    return SeedDay(reference.day, ordinary_kind(reference.day), "")


YearReader = Callable[[int], list[LibraryDay]]
