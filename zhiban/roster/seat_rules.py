"""ROS-01 on real rosters beyond the cell itself: the minimum rest between a person's duties, seats by job type and a
senior on every shift — the facts the rule engine checks at a cell edit and again over the whole roster at
publication (`zhiban.policy.rules.ros_01`), the same rules generation meets through the rule's solver form."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.org.models import Person
from zhiban.policy.rules.ros_01 import SENIOR_GRADE, RestGap, SeatHolder, ShiftGrades
from zhiban.roster.models import Assignment, Post, RosterPeriod, RosterVersion, ShiftType

Duty = tuple[Person, dt.date, ShiftType]


def _label(day: dt.date, shift: ShiftType) -> str:
    return f"{day.month}月{day.day}日{shift.name}"


def rest_gaps(
    period: RosterPeriod, duties: Iterable[Duty], only: set[tuple[int, dt.date, int]] | None = None
) -> list[RestGap]:
    """The time between each duty of a person and their next one, on the real shift windows (CAL-03 seasons; night
    shifts end the next morning). `only`: keep the pairs touching these (person, day, shift) duties."""
    seasons = calendar_selectors.effective_seasons(period.unit).dates
    tz = clock.local_tz()
    by_person: dict[int, list[tuple[dt.datetime, dt.datetime, Duty]]] = defaultdict(list)
    for duty in {(p.pk, d, s.pk): (p, d, s) for p, d, s in duties}.values():
        person, day, shift = duty
        starts, ends = shift.window(day, seasons, tz)
        by_person[person.pk].append((starts, ends, duty))
    gaps = []
    for windows in by_person.values():
        windows.sort(key=lambda w: (w[0], w[1]))
        for (_, ends, first), (starts, _, then) in itertools.pairwise(windows):
            keys = {(first[0].pk, first[1], first[2].pk), (then[0].pk, then[1], then[2].pk)}
            if only is not None and not keys & only:
                continue
            gaps.append(RestGap(first[0].name, _label(first[1], first[2]), _label(then[1], then[2]), starts - ends))
    return gaps


def cell_facts(
    version: RosterVersion | None, day: dt.date, shift_type: ShiftType, post: str, people: Sequence[Person]
) -> list[object]:
    """ROS-01 facts of people put in one cell: their job type on a seat, and the rest before and after their other
    duties of the version (two days either side)."""
    facts: list[object] = []
    if post == Post.DUTY_OFFICER:
        facts += [
            SeatHolder(
                p.name,
                str(Post(post).label),
                p.job_type.code if p.job_type else "",
                p.job_type.name if p.job_type else "",
            )
            for p in people
        ]
    if version is None or not people:
        return facts
    near = (
        Assignment.objects.filter(
            version=version,
            person__in=people,
            date__gte=day - dt.timedelta(days=2),
            date__lte=day + dt.timedelta(days=2),
        )
        .exclude(date=day, shift_type=shift_type)
        .select_related("person", "shift_type")
    )
    duties: list[Duty] = [(a.person, a.date, a.shift_type) for a in near] + [(p, day, shift_type) for p in people]
    return facts + rest_gaps(version.period, duties, only={(p.pk, day, shift_type.pk) for p in people})


def roster_facts(period: RosterPeriod, assignments: Sequence[Assignment]) -> list[object]:
    """ROS-01 facts of a whole roster about to be published: every seat's holder, every rest between two duties of
    one person, and the senior-grade people on each shift's seats. `assignments` carry person (with job type) and
    shift type."""
    seats = [a for a in assignments if a.post == Post.DUTY_OFFICER]
    facts: list[object] = [
        SeatHolder(
            a.person.name,
            str(Post(a.post).label),
            a.person.job_type.code if a.person.job_type else "",
            a.person.job_type.name if a.person.job_type else "",
        )
        for a in seats
    ]
    facts += rest_gaps(period, [(a.person, a.date, a.shift_type) for a in assignments])
    seniors: dict[tuple[dt.date, ShiftType], int] = defaultdict(int)
    for a in seats:
        seniors[a.date, a.shift_type] += int((a.person.grade or 0) >= SENIOR_GRADE)
    facts += [
        ShiftGrades(shift.name, day, count, shift.headcount(str(Post.DUTY_OFFICER)))
        for (day, shift), count in sorted(seniors.items(), key=lambda item: (item[0][0], item[0][1].pk))
    ]
    return facts
