"""Builds the solver's problem for a roster period from the database: people, posts, cover, calendar, points, pins."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.org.candidates import duty_candidate, organisation_ids
from zhiban.org.models import Person, RoleAssignment
from zhiban.org.scopes import organisation_of
from zhiban.policy import services as policy
from zhiban.policy.rules import ros_04
from zhiban.policy.shaping import MEMBER, PersonFacts, PostFacts, RosterFacts, ShiftFacts
from zhiban.roster import rotation, selectors, solver
from zhiban.roster import unavailability as roster_unavailability
from zhiban.roster.generation.points import PointTable, is_night, point_table, ros_04_params, solver_kinds
from zhiban.roster.models import POST_ROLE, Assignment, Post, RosterPeriod, ShiftType


@dataclass
class Built:
    """The problem and the look-ups that turn the solver's answer back into database rows."""

    problem: solver.Problem
    period: RosterPeriod
    dates: list[dt.date]
    people: dict[str, Person]
    shift_types: dict[str, ShiftType]
    points: PointTable
    excluded: list[str] = field(default_factory=list)  # who may not be rostered and why (ORG-03, inactive)

    def cells(self, assignments: tuple[solver.Assignment, ...]) -> list[tuple[dt.date, ShiftType, str, list[Person]]]:
        """Every covered cell of the period with the people the solver put there (empty cells included)."""
        filled: dict[tuple[int, str, str], list[Person]] = defaultdict(list)
        for a in assignments:
            filled[a.day, a.shift, a.post].append(self.people[a.person])
        return [
            (self.dates[c.day], self.shift_types[c.shift], c.post, filled.get((c.day, c.shift, c.post), []))
            for c in self.problem.cover
        ]


def shift_minutes(shift: ShiftType, day: dt.date | None = None, seasons: object = None) -> tuple[int, int]:
    """(start, length) in minutes of the shift's times on `day` (its CAL-03 season; the summer times without a day);
    an end at or before the start is on the next day."""
    start_time, end_time = shift.summer_start, shift.summer_end
    if day is not None and seasons is not None:
        start_at, end_at = shift.window(day, seasons, clock.local_tz())  # type: ignore[arg-type]
        start_time, end_time = start_at.time(), end_at.time()
    start = start_time.hour * 60 + start_time.minute
    end = end_time.hour * 60 + end_time.minute
    return start, (end - start) % (24 * 60) or 24 * 60


def _duty_candidates(period: RosterPeriod) -> tuple[list[Person], list[str]]:
    """Who the rule engine lets stand duty (ORG-03), and who was left out: the people of the period's unit,
    and the organisation's leaders on duty and drivers (for those posts only, as the cell editor offers them)."""
    organisation = organisation_of(period.unit)
    people, excluded = [], []
    role_holders = RoleAssignment.objects.filter(
        role__in=[r for r in POST_ROLE.values() if r], unit__path__startswith=organisation.path
    ).values("person_id")
    candidates = list(
        Person.objects.filter(
            Q(unit__path__startswith=period.unit.path) | Q(pk__in=role_holders, is_active=True)
        ).select_related("unit", "job_type")
    )
    ids = organisation_ids(candidates, organisation)
    for person in candidates:
        if not person.is_active:
            excluded.append(f"{person.name}: not active")
            continue
        outcome = policy.evaluate(
            unit=period.unit, rule_ids=["ORG-03"], facts=duty_candidate(person, organisation=organisation, ids=ids)
        )
        if outcome.violations:
            excluded.append(f"{person.name}: ORG-03")
            continue
        people.append(person)
    return people, excluded


def _roles(people: list[Person], organisation_path: str) -> dict[int, frozenset[str]]:
    """The roles each person holds in the organisation."""
    held: dict[int, set[str]] = defaultdict(set)
    for person_id, role in RoleAssignment.objects.filter(
        person__in=people, unit__path__startswith=organisation_path
    ).values_list("person_id", "role"):
        held[person_id].add(str(role))
    return {p.pk: frozenset(held[p.pk]) for p in people}


def prior_points(period: RosterPeriod, people: list[Person], table: PointTable) -> dict[int, float]:
    """Year-to-date points of each person from published rosters before the period (same year)."""
    window = ros_04.window_start(period.start, ros_04_params(period.unit))  # the fairness period's start
    totals: dict[int, float] = defaultdict(float)
    if period.start <= window:
        return totals
    rows = list(
        Assignment.objects.published()
        .filter(
            person__in=people,
            date__gte=window,
            date__lt=period.start,
        )
        .select_related("shift_type")
    )
    kinds = solver_kinds(window, period.start - dt.timedelta(days=1), period.unit)
    for a in rows:
        totals[a.person_id] += table.of(kinds[a.date], is_night(a.shift_type))
    return totals


def roster_facts(period: RosterPeriod, people: list[Person], prior: dict[int, float]) -> RosterFacts:
    """The period as the rules see it (`policy.shaping.RosterFacts`): days and their kinds, shifts, posts, people,
    the rotation and who is away."""
    organisation = organisation_of(period.unit)
    dates = tuple(period.days())
    kinds = rotation.day_kinds(period)
    seasons = calendar_selectors.effective_seasons(period.unit).dates
    shifts = tuple(
        ShiftFacts(
            s.code,
            s.name,
            *shift_minutes(s, period.start, seasons),
            tuple(s.day_kinds),
            tuple(s.posts()),
            s.is_night,
        )
        for s in selectors.shift_types_for(period.unit)
    )
    roles = _roles(people, organisation.path)
    sections = rotation.section_units(period)
    person_facts = tuple(
        PersonFacts(
            p.public_id,
            p.name,
            roles[p.pk],
            member=p.unit.path.startswith(period.unit.path),
            job_type=p.job_type.code if p.job_type else "",
            grade=p.grade or 0,
            in_section=rotation.in_section(p, sections),
            prior_points=round(prior.get(p.pk, 0.0), 2),
        )
        for p in people
    )
    order = rotation.order(period)
    previous = rotation.previous_holder(period)
    by_name = {p.name: p.public_id for p in order}
    away = roster_unavailability.unavailable_days([p.pk for p in {*people, *order}], period.start, period.end)
    ids = {p.pk: p.public_id for p in {*people, *order}}
    index = {d: i for i, d in enumerate(dates)}
    return RosterFacts(
        dates=dates,
        kinds=tuple(kinds[d] for d in dates),
        shifts=shifts,
        posts=tuple(PostFacts(str(post), str(Post(post).label), role or "") for post, role in POST_ROLE.items()),
        people=person_facts,
        rotating_post=rotation.ROTATING_POST,
        rotation=tuple(p.public_id for p in order),
        previous_holder=by_name.get(previous) if previous else None,
        away=frozenset((ids[pk], index[day]) for pk, days in away.items() for day in days if day in index),
    )


def build_problem(period: RosterPeriod, *, fairness_weight: int = 1) -> Built:
    """The period as a solver problem, assembled from the solver form of every rule the pack implements (cover,
    posts, quotas, blocks, windows, wishes, minimum rest, points — `policy.shaping`) and the facts: who may stand
    duty (ORG-03), who is away, the draft's pinned cells, year-to-date points."""
    dates = period.days()
    table = point_table(period.unit)
    people, excluded = _duty_candidates(period)
    draft = selectors.draft_of(period)
    pinned = list(draft.assignments.filter(pinned=True).select_related("person", "shift_type")) if draft else []
    for a in pinned:  # a pinned person is part of the problem even if they would not be chosen now
        if a.person not in people:
            people.append(a.person)
    prior = prior_points(period, people, table)
    facts = roster_facts(period, people, prior)
    shape = policy.shape(unit=period.unit, roster=facts)
    shift_types = {s.code: s for s in selectors.shift_types_for(period.unit)}
    solver_shifts = tuple(solver.ShiftType(s.code, s.minutes, s.start) for s in facts.shifts)
    days = tuple(
        solver.Day(d.isoformat(), d.weekday(), ros_04.SOLVER_KIND[kind])
        for d, kind in zip(dates, facts.kinds, strict=True)
    )
    index = {d: i for i, d in enumerate(dates)}
    pins = tuple(
        solver.Assignment(a.person.public_id, index[a.date], a.shift_type.code, a.post)
        for a in pinned
        if a.date in index
    )
    post_roles = {post.role for post in facts.posts if post.role}
    solver_people = tuple(
        solver.Person(
            p.id,
            p.name,
            (p.roles & post_roles) | ({MEMBER} if p.member else set()),
            job_type=p.job_type,
            grade=p.grade,
            prior_points=p.prior_points,
        )
        for p in facts.people
    )
    leave = tuple(
        solver.Unavailability(person, day, "leave")
        for person, day in sorted(facts.away)
        if person in {p.id for p in facts.people}
    )
    points = shape.points or {
        (ros_04.SOLVER_KIND[kind], s.code): table.of(ros_04.SOLVER_KIND[kind], s.night)
        for kind in ros_04.SOLVER_KIND
        for s in facts.shifts
    }
    problem = solver.Problem(
        people=solver_people,
        days=days,
        shifts=solver_shifts,
        cover=shape.cover,
        posts=shape.posts,
        unavailable=leave + shape.unavailable,
        wishes=shape.wishes,
        pins=pins,
        fairness=solver.Fairness(points, fairness_weight),
        blocks=shape.blocks,
        quotas=shape.quotas,
        windows=shape.windows,
        min_rest_minutes=shape.min_rest_minutes,
        name=str(period),
    )
    return Built(problem, period, dates, {p.public_id: p for p in people}, shift_types, table, excluded)
