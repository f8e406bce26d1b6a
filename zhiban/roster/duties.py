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

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.org.candidates import duty_candidate, organisation_ids
from zhiban.org.models import Person, RoleAssignment, Unit
from zhiban.org.scopes import department_of, organisation_of
from zhiban.policy import services as policy
from zhiban.policy.rules.ros_01 import PostHolder, RestGap, SeatHolder, ShiftPosts
from zhiban.roster import selectors, unavailability
from zhiban.roster.generation.points import is_night, point_table, solver_kinds
from zhiban.roster.models import POST_ROLE, Assignment, Post, RosterPeriod, ShiftType

# source: default — the texts name no minimum rest outside the service centre's 连班 rule (SWAP-03).


def policy_seat_job_types(unit: Unit) -> tuple[str, ...]:
    """ROS-01 `seat_job_types` of the unit's pack: the job types that take the duty officer's seat (empty: any)."""
    _, params = selectors.rule_parameters(unit, ["ROS-01"])
    return tuple(params.get("ROS-01", {}).get("seat_job_types", ()))


def policy_min_rest(unit: Unit) -> dt.timedelta:
    """ROS-01 `min_rest` of the unit's pack: the one minimum rest between two duties of a person (none when the pack
    does not set it)."""
    _, params = selectors.rule_parameters(unit, ["ROS-01"])
    return params.get("ROS-01", {}).get("min_rest", dt.timedelta(0))


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
        Assignment.objects.published()
        .filter(
            person_id__in=list(person_ids),
            date__gte=start,
            date__lte=end,
        )
        .select_related("shift_type", "person", "version__period__unit")
        .order_by("date", "shift_type__sort_order", "post")
    )


def _duties(rows: list[Assignment], start: dt.date, end: dt.date) -> list[Duty]:
    if not rows:
        return []
    tz = clock.local_tz()
    seasons: dict[int, object] = {}
    kinds: dict[int, dict[dt.date, str]] = {}  # by unit: the one day-kind function, as each roster's unit sees days
    result = []
    for a in rows:
        period = a.version.period
        if period.unit_id not in seasons:
            seasons[period.unit_id] = calendar_selectors.effective_seasons(period.unit).dates
            kinds[period.unit_id] = selectors.day_kinds(period.unit, start, end)
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
                kinds[period.unit_id][a.date],
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
    kinds = solver_kinds(year_start, year_end, unit)  # type: ignore[arg-type]
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
    min_rest: dt.timedelta | None = None,
) -> list[CoverCandidate]:
    """Who could take this duty, best first: qualified for the post (ROS-01) and allowed on duty (ORG-03),
    not on leave that day, with no duty of their own within `min_rest` of it; same department as the
    person `replacing` (else as the roster's unit) first, then fewest duty points this year, then name.
    The person replaced is never a candidate."""
    if min_rest is None:
        min_rest = policy_min_rest(period.unit)
    organisation = organisation_of(period.unit)
    excluded = {p.pk for p in exclude} | ({replacing.pk} if replacing is not None else set())
    eligible = selectors.eligible_people(period.unit, post).select_related("unit", "job_type")
    people = [p for p in eligible if p.pk not in excluded]
    if post == Post.DUTY_OFFICER:  # officers come from the roster's own unit (as generation does), seats by job type
        seats = policy_seat_job_types(period.unit)
        people = [
            p
            for p in people
            if p.unit.path.startswith(period.unit.path) and (not seats or (p.job_type and p.job_type.code in seats))
        ]
    role = POST_ROLE.get(post)
    if role:
        holders = set(
            RoleAssignment.objects.filter(role=role, unit__path__startswith=organisation.path).values_list(
                "person_id", flat=True
            )
        )
        people = [p for p in people if p.pk in holders]
    allowed = []
    ids = organisation_ids(people, organisation)
    for person in people:
        facts = duty_candidate(person, organisation=organisation, capacity="substitute", ids=ids)
        outcome = policy.evaluate(unit=period.unit, rule_ids=["ORG-03"], facts=facts)
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


@dataclass(frozen=True)
class CoverRefusal:
    """Why someone may not take a duty: the facts the rules that forbid it read (for `policy.enforce`), and the
    reasons no rule of the pack covers, in words."""

    facts: list[object] = field(default_factory=list)
    reasons_zh: list[str] = field(default_factory=list)


def cover_refusal(
    *,
    period: RosterPeriod,
    day: dt.date,
    shift_type: ShiftType,
    post: str,
    person: Person,
    replacing: Person | None = None,
    min_rest: dt.timedelta | None = None,
) -> CoverRefusal:
    """Why `person` is not among `cover_candidates` for this duty, one fact per rule that forbids it, so a refusal
    cites its rule: ORG-03 for an outsider (another organisation, a guard, …), ROS-01 `qualification` for a post's
    role not held, ROS-01 `one_post` for a duty of their own at the same time, ROS-01 `min_rest` for one less than
    the minimum rest away. What no rule covers is said in words: the person replaced, someone no longer active,
    someone on leave that day, an officer from outside the roster's unit."""
    if min_rest is None:
        min_rest = policy_min_rest(period.unit)
    organisation = organisation_of(period.unit)
    refusal = CoverRefusal()
    if replacing is not None and person.pk == replacing.pk:
        refusal.reasons_zh.append(f"{person.name}是被顶替的人")
    if not person.is_active:
        refusal.reasons_zh.append(f"{person.name}已不在职")
    refusal.facts.append(duty_candidate(person, organisation=organisation, capacity="substitute"))
    role = POST_ROLE.get(post) or ""
    if role:
        holds = RoleAssignment.objects.filter(
            person=person, role=role, unit__path__startswith=organisation.path
        ).exists()
        refusal.facts.append(PostHolder(person.name, str(Post(post).label), role, holds))
    else:
        if not person.unit.path.startswith(period.unit.path):  # officers come from the roster's own unit
            refusal.reasons_zh.append(f"{person.name}不是{period.unit.name}的人员，值班人员由本单位人员顶替")
        job = person.job_type
        refusal.facts.append(
            SeatHolder(person.name, str(Post(post).label), job.code if job else "", job.name if job else "")
        )
    if day in unavailability.unavailable_days([person.pk], day, day).get(person.pk, set()):
        refusal.reasons_zh.append(f"{person.name}{day:%Y-%m-%d}请假，不能值班")
    starts, ends = _window(period, day, shift_type)
    label = f"{day:%Y-%m-%d} {shift_type.name} {Post(post).label}"
    for duty in duties_of(person, day - dt.timedelta(days=2), day + dt.timedelta(days=2)):
        if duty.starts_at < ends and starts < duty.ends_at:  # at the same time: a second post of one duty
            posts = (str(Post(post).label), str(Post(duty.post).label))
            refusal.facts.append(ShiftPosts(person.name, duty.shift_type.name, duty.day, *posts))
        elif duty.ends_at <= starts and starts - duty.ends_at < min_rest:
            refusal.facts.append(RestGap(person.name, duty.label, label, starts - duty.ends_at))
        elif ends <= duty.starts_at and duty.starts_at - ends < min_rest:
            refusal.facts.append(RestGap(person.name, label, duty.label, duty.starts_at - ends))
    return refusal
