"""Shifts from the published roster: `prepare(start, end)` makes the `DutyShift` of every published shift with its
real times, and keeps its `Attendance` rows in step with the roster until people check in.

The worker prepares the next day's shifts every few minutes (`jobs.py`) and schedules their deadlines; pages prepare
the shift they show, so a shift is there even when the worker is behind.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.duty.models import Attendance, DutyShift
from zhiban.org.models import Person, Unit
from zhiban.roster.models import Assignment, Post, ShiftType

# How far either side of a shift it counts as "my duty" on the duty page.
# source: default — an officer arrives early for roll call and stays to hand over; the texts give no window.
EARLY = dt.timedelta(hours=2)
LATE = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Prepared:
    shifts: list[DutyShift]
    created: int


def _published(
    start: dt.date, end: dt.date, unit: Unit | None = None, person: Person | None = None
) -> list[Assignment]:
    rows = Assignment.objects.published().filter(date__gte=start, date__lte=end)
    if unit is not None:
        rows = rows.filter(version__period__unit=unit)
    if person is not None:
        rows = rows.filter(
            version__period__unit__in=Assignment.objects.published()
            .filter(person=person, date__gte=start, date__lte=end)
            .values("version__period__unit")
        )
    return list(rows.select_related("shift_type", "person", "version__period__unit"))


@transaction.atomic
def prepare(start: dt.date, end: dt.date, *, unit: Unit | None = None, person: Person | None = None) -> Prepared:
    """Make the shifts of the published rosters from `start` to `end` (of `unit`, or of the units `person` is
    rostered in), and bring the attendance of shifts nobody has checked into in step with the roster."""
    cells: dict[tuple[int, dt.date, int], list[Assignment]] = defaultdict(list)
    units: dict[int, Unit] = {}
    types: dict[int, ShiftType] = {}
    for a in _published(start, end, unit, person):
        period_unit = a.version.period.unit
        units[period_unit.pk] = period_unit
        types[a.shift_type_id] = a.shift_type
        cells[period_unit.pk, a.date, a.shift_type_id].append(a)
    tz = clock.local_tz()
    seasons = {pk: calendar_selectors.effective_seasons(u).dates for pk, u in units.items()}
    existing = {
        (s.unit_id, s.date, s.shift_type_id): s
        for s in DutyShift.objects.filter(unit_id__in=list(units), date__gte=start, date__lte=end)
    }
    created = 0
    shifts = []
    for (unit_id, day, type_id), rows in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
        shift = existing.get((unit_id, day, type_id))
        if shift is None:
            starts, ends = types[type_id].window(day, seasons[unit_id], tz)
            shift = DutyShift.objects.create(
                unit=units[unit_id], date=day, shift_type=types[type_id], starts_at=starts, ends_at=ends
            )
            created += 1
        _sync_attendance(shift, rows)
        shifts.append(shift)
    return Prepared(shifts, created)


def _sync_attendance(shift: DutyShift, rows: list[Assignment]) -> None:
    """Add the people the roster now names; drop those it no longer names who have not checked in."""
    wanted = {(a.person_id, a.post) for a in rows}
    present = {(att.person_id, att.post): att for att in shift.attendances.all()}
    for key in wanted - set(present):
        Attendance.objects.create(shift=shift, person_id=key[0], post=key[1])
    stale = [att.pk for key, att in present.items() if key not in wanted and att.checked_in_at is None]
    if stale:
        Attendance.objects.filter(pk__in=stale).delete()


def current_for(person: Person, at: dt.datetime | None = None) -> list[Attendance]:
    """The person's attendances on shifts running around `at` (from `EARLY` before the start until `LATE` after the
    end, or until closed), earliest first; preparing today's shifts first."""
    at = at or clock.now()
    local = at.astimezone(clock.local_tz()).date()
    prepare(local - dt.timedelta(days=1), local + dt.timedelta(days=1), person=person)
    rows = (
        Attendance.objects.filter(person=person, shift__starts_at__lte=at + EARLY, shift__ends_at__gte=at - LATE)
        .select_related("shift__unit", "shift__shift_type", "person")
        .order_by("shift__starts_at")
    )
    return [row for row in rows if not (row.shift.is_closed and row.checked_out_at is not None)]


def next_for(person: Person, at: dt.datetime | None = None) -> Attendance | None:
    at = at or clock.now()
    return (
        Attendance.objects.filter(person=person, shift__starts_at__gt=at)
        .select_related("shift__unit", "shift__shift_type")
        .order_by("shift__starts_at")
        .first()
    )


def crew(shift: DutyShift) -> dict[str, list[Attendance]]:
    """The shift's people by post."""
    posts: dict[str, list[Attendance]] = {post: [] for post in Post.values}
    for att in shift.attendances.select_related("person").order_by("person__name"):
        posts[att.post].append(att)
    return posts


def incoming_of(shift: DutyShift) -> DutyShift | None:
    """The unit's next shift: the one that takes over (starts when or before this one ends, after it started)."""
    return (
        DutyShift.objects.filter(unit=shift.unit, starts_at__gt=shift.starts_at, starts_at__lte=shift.ends_at)
        .order_by("starts_at")
        .first()
    )


def previous_of(shift: DutyShift) -> DutyShift | None:
    return (
        DutyShift.objects.filter(unit=shift.unit, starts_at__lt=shift.starts_at, ends_at__gte=shift.starts_at)
        .order_by("-starts_at")
        .first()
    )
