"""The period page's month table as Chinese offices lay it out.

日期 · 星期 · 带班领导 · 值班人员 · 联系电话 · 驾驶员 · 备注.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.core.dates import weekday_label
from zhiban.org.models import Person
from zhiban.roster import selectors
from zhiban.roster.models import Post, RosterPeriod, RosterVersion, ShiftType

MARKS = {"statutory_holiday": "休", "in_lieu_rest": "休", "makeup_workday": "班"}


@dataclass
class Row:
    date: dt.date
    weekday: str
    mark: str
    holiday: str
    shift: ShiftType
    show_date: bool
    start: dt.datetime
    end: dt.datetime
    cells: dict[str, list[Person]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.date:%Y%m%d}-{self.shift.code}"

    @property
    def leaders(self) -> list[Person]:
        return self.cells.get(Post.DUTY_LEADER, [])

    @property
    def officers(self) -> list[Person]:
        return self.cells.get(Post.DUTY_OFFICER, [])

    @property
    def drivers(self) -> list[Person]:
        return self.cells.get(Post.STANDBY_DRIVER, [])

    @property
    def phones(self) -> list[str]:
        return [f"{p.name} {selectors.phones(p)}" for p in self.leaders + self.officers if selectors.phones(p)]

    @property
    def gaps(self) -> int:
        """Places of the shift's posts nobody fills (ROS-01 posts_filled)."""
        return sum(max(count - len(self.cells.get(post, [])), 0) for post, count in self.shift.posts())

    @property
    def times(self) -> str:
        """The shift's hours on this date (summer or winter, CAL-03)."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def period_rows(period: RosterPeriod, version: RosterVersion | None) -> list[Row]:
    """One row per date and shift worked that day; queries do not grow with the assignments."""
    shifts = selectors.shift_types_for(period.unit)
    marks = selectors.day_marks(period.start, period.end)
    facts = selectors.day_kinds(period.unit, period.start, period.end)
    by_cell: dict[tuple[dt.date, int], dict[str, list[Person]]] = defaultdict(lambda: defaultdict(list))
    for a in selectors.assignments_of(version):
        by_cell[(a.date, a.shift_type_id)][a.post].append(a.person)
    seasons = calendar_selectors.effective_seasons(period.unit).dates
    tz = clock.local_tz()
    rows = []
    for day in period.days():
        kind_name = marks.get(day, ("", ""))
        first = True
        for shift in shifts:
            if not shift.applies_to(facts[day]):
                continue
            start, end = shift.window(day, seasons, tz)
            rows.append(
                Row(
                    start=start,
                    end=end,
                    date=day,
                    weekday=weekday_label(day),
                    mark=MARKS.get(kind_name[0], ""),
                    holiday=kind_name[1],
                    shift=shift,
                    show_date=first,
                    cells=dict(by_cell.get((day, shift.pk), {})),
                )
            )
            first = False
    return rows
