"""How long a leave is: calendar days, and the person's working days (their duty days for shift workers,
half days allowed), and the published duties it hits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhiban.core import clock
from zhiban.org.models import Person, Unit
from zhiban.roster import duties as roster_duties
from zhiban.roster.generation.points import solver_kinds

HALF = Decimal("0.5")
NOON = dt.time(12, 0)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(clock.local_tz())


def calendar_days(starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    """Every calendar day the leave touches (a leave ending at midnight does not touch the next day)."""
    first = local(starts_at).date()
    last = local(ends_at - dt.timedelta(microseconds=1)).date()
    return (last - first).days + 1


def duties_hit(person: Person, starts_at: dt.datetime, ends_at: dt.datetime) -> list[roster_duties.Duty]:
    """The person's published duties overlapping the leave."""
    first = local(starts_at).date() - dt.timedelta(days=1)
    last = local(ends_at).date()
    return [d for d in roster_duties.duties_of(person, first, last) if d.starts_at < ends_at and starts_at < d.ends_at]


def duty_days(duties: list[roster_duties.Duty], starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    """Shift workers: a duty the leave covers whole counts one day, one it covers in part half a day."""
    total = Decimal("0")
    for duty in duties:
        whole = starts_at <= duty.starts_at and duty.ends_at <= ends_at
        total += Decimal("1") if whole else HALF
    return total


def working_days(starts_at: dt.datetime, ends_at: dt.datetime, unit: Unit | None = None) -> Decimal:
    """Office workers: each working day (make-up workdays included, holidays not; an ordinary Saturday where the
    pack of `unit` keeps a six-day week, CAL-02) the leave touches, by half days — the morning before noon, the
    afternoon after."""
    start, end = local(starts_at), local(ends_at)
    kinds = solver_kinds(start.date(), end.date(), unit)
    tz = clock.local_tz()
    total = Decimal("0")
    for day, kind in kinds.items():
        if kind != "weekday":
            continue
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        noon = dt.datetime.combine(day, NOON, tzinfo=tz)
        next_midnight = midnight + dt.timedelta(days=1)
        if start < noon and midnight < end:
            total += HALF
        if start < next_midnight and noon < end:
            total += HALF
    return total
