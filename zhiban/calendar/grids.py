"""Month grids of a year for the calendar page: weeks Monday first (一二三四五六日), one cell a day."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from zhiban.calendar.models import CalendarDay, Kind
from zhiban.policy.rules.cal_01 import ordinary_kind

WEEKDAY_HEADERS = ("一", "二", "三", "四", "五", "六", "日")
WEEKDAY_HEADERS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Cell:
    """A day in a month grid; `stored` is None when the year is not in the calendar."""

    day: dt.date
    stored: CalendarDay | None

    @property
    def kind(self) -> str:
        return self.stored.kind if self.stored else ordinary_kind(self.day).value

    @property
    def label(self) -> str:
        return self.stored.label if self.stored else ""

    @property
    def full_label(self) -> str:
        return self.stored.full_label if self.stored else ""

    @property
    def is_rest(self) -> bool:
        return self.kind in (Kind.WEEKEND, Kind.STATUTORY_HOLIDAY, Kind.IN_LIEU_REST)

    @property
    def css(self) -> str:
        classes = [f"kind-{self.kind.replace('_', '-')}"]
        if self.stored is not None and self.stored.provisional:
            classes.append("is-provisional")
        if self.stored is not None and self.stored.holiday_name and self.is_rest:
            classes.append("is-holiday")
        return " ".join(classes)


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: list[list[Cell | None]]


def year_grid(year: int, days: Mapping[dt.date, CalendarDay]) -> list[Month]:
    months = []
    weeks_of = calendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = [
            [Cell(day, days.get(day)) if day.month == month else None for day in week]
            for week in weeks_of.monthdatescalendar(year, month)
        ]
        months.append(Month(year, month, weeks))
    return months
