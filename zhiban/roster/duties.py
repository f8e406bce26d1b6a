"""Published duties of a person with their times, and the people who could cover a duty, best first.

Requests (leave cover, swaps, substitutions) read these: the duty's real window (CAL-03 season times,
night shifts ending the next morning), the kind of its day, and for a duty to cover, a ranking — the
qualified people of the organisation not on duty or leave then and rested, same department first,
fewest year-to-date duty points next.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.org.models import Person, RoleAssignment
from zhiban.org.scopes import department_of, organisation_of
from zhiban.policy import services as policy
from zhiban.policy.rules.org_03 import DutyCandidate
from zhiban.roster import selectors, unavailability
from zhiban.roster.generation.points import is_night, point_table, solver_kinds
from zhiban.roster.models import POST_ROLE, Assignment, Post, RosterPeriod, ShiftType

# source: default — the texts name no minimum rest outside the service centre's 连班 rule (SWAP-03).
DEFAULT_MIN_REST = dt.timedelta(hours=8)
DAY_KIND = {"weekday": "workday", "weekend": "rest_day", "holiday": "holiday"}


@dataclass(frozen=True)
class Duty:
    """One published duty: who, which post of which shift on which day, from when to when."""

    period: RosterPeriod
    day: dt.date
    shift_type: ShiftType
    post: str
    person: Person
    starts_at: dt.datetime
    ends_at: dt.datetime
    day_kind: str  # workday / rest_day / holiday
    is_night: bool

    @property
    def label(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.shift_type.name} {Post(self.post).label}"


def _published(person_ids: Iterable[int], start: dt.date, end: dt.date) -> list[Assignment]:
    return list(
        Assignment.objects.filter(
            person_id__in=list(person_ids),
            date__gte=start,
            date__lte=end,
            version__period__published_version=F("version"),
        )
        .select_related("shift_type", "person", "version__period__unit")
        .order_by("date", "shift_type__sort_order", "post")
    )


def _duties(rows: list[Assignment], start: dt.date, end: dt.date) -> list[Duty]:
    if not rows:
        return []
    kinds = solver_kinds(start, end)
    tz = clock.local_tz()
    seasons: dict[int, object] = {}
    result = []
    for a in rows:
        period = a.version.period
        if period.unit_id not in seasons:
            seasons[period.unit_id] = calendar_selectors.effective_seasons(period.unit).dates
        starts, ends = a.shift_type.window(a.date, seasons[period.unit_id], tz)  # type: ignore[arg-type]
        result.append(
            Duty(
                period,
                a.date,
                a.shift_type,
                a.post,
                a.person,
                starts,
                ends,
                DAY_KIND[kinds[a.date]],
                is_night(a.shift_type),
            )
        )
    return result


def duties_of(person: Person, start: dt.date, end: dt.date) -> list[Duty]:
    """The person's duties from `start` to `end` in the current published versions, in time order."""
    return _duties(_published([person.pk], start, end), start, end)


def duty_of(period: RosterPeriod, day: dt.date, shift_type: ShiftType, post: str, person: Person) -> Duty | None:
    """The person's published duty in that cell, or None."""
    for duty in duties_of(person, day, day):
        if (duty.period.pk, duty.shift_type.pk, duty.post) == (period.pk, shift_type.pk, post):
            return duty
    return None


@dataclass(frozen=True)
class CoverCandidate:
    """Someone who could take over a duty, and why they rank where they do."""

    person: Person
    points: float
    same_department: bool
    reasons_zh: list[str] = field(default_factory=list)


def _window(period: RosterPeriod, day: dt.date, shift_type: ShiftType) -> tuple[dt.datetime, dt.datetime]:
    seasons = calendar_selectors.effective_seasons(period.unit).dates
    return shift_type.window(day, seasons, clock.local_tz())


def _year_points(people: list[Person], day: dt.date, unit: object) -> dict[int, float]:
    year_start = dt.date(day.year, 1, 1)
    year_end = dt.date(day.year, 12, 31)
    table = point_table(unit)  # type: ignore[arg-type]
    kinds = solver_kinds(year_start, year_end)
    totals: dict[int, float] = defaultdict(float)
    for a in _published([p.pk for p in people], year_start, year_end):
        totals[a.person_id] += table.of(kinds[a.date], is_night(a.shift_type))
    return totals


def cover_candidates(
    *,
    period: RosterPeriod,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    replacing: Person | None = None,
    exclude: Iterable[Person] = (),
    min_rest: dt.timedelta = DEFAULT_MIN_REST,
) -> list[CoverCandidate]:
    """Who could take this duty, best first: qualified for the post (ROS-01) and allowed on duty (ORG-03),
    not on leave that day, with no duty of their own within `min_rest` of it; same department as the
    person `replacing` (else as the roster's unit) first, then fewest duty points this year, then name.
    The person replaced is never a candidate."""
    organisation = organisation_of(period.unit)
    excluded = {p.pk for p in exclude} | ({replacing.pk} if replacing is not None else set())
    people = [p for p in selectors.eligible_people(period.unit, post).select_related("unit") if p.pk not in excluded]
    if post == Post.DUTY_OFFICER:  # officers come from the roster's own unit (as generation does)
        people = [p for p in people if p.unit.path.startswith(period.unit.path)]
    role = POST_ROLE.get(post)
    if role:
        holders = set(
            RoleAssignment.objects.filter(role=role, unit__path__startswith=organisation.path).values_list(
                "person_id", flat=True
            )
        )
        people = [p for p in people if p.pk in holders]
    allowed = []
    for person in people:
        outcome = policy.evaluate(
            unit=period.unit,
            rule_ids=["ORG-03"],
            facts=DutyCandidate(
                person_name=person.name,
                person_kind=person.kind,
                capacity="substitute",
                person_organisation=organisation_of(person.unit).public_id,
                duty_organisation=organisation.public_id,
            ),
        )
        if not outcome.violations:
            allowed.append(person)
    starts, ends = _window(period, day, shift_type)
    away = unavailability.unavailable_days([p.pk for p in allowed], day, day)
    near = _duties(
        _published([p.pk for p in allowed], day - dt.timedelta(days=2), day + dt.timedelta(days=2)),
        day - dt.timedelta(days=2),
        day + dt.timedelta(days=2),
    )
    busy = {
        d.person.pk
        for d in near
        if d.starts_at < ends + min_rest and starts < d.ends_at + min_rest  # overlapping or less than min_rest apart
    }
    free = [p for p in allowed if p.pk not in busy and day not in away.get(p.pk, set())]
    points = _year_points(free, day, period.unit)
    department = department_of(replacing.unit if replacing is not None else period.unit)
    ranked = []
    for person in free:
        same = person.unit.path.startswith(department.path)
        reasons = ["同部门" if same else "其他部门", f"本年值班积分{points.get(person.pk, 0.0):g}"]
        ranked.append(CoverCandidate(person, points.get(person.pk, 0.0), same, reasons))
    ranked.sort(key=lambda c: (not c.same_department, c.points, c.person.name, c.person.pk))
    return ranked
