"""Builds the solver's problem for a roster period from the database: people, posts, cover, calendar, points, pins."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q

from zhiban.org.models import Person, RoleAssignment
from zhiban.org.scopes import organisation_of
from zhiban.policy import services as policy
from zhiban.policy.rules import ros_04
from zhiban.policy.rules.org_03 import DutyCandidate
from zhiban.policy.rules.ros_02 import weekday_blocks
from zhiban.roster import rotation, selectors, solver
from zhiban.roster import unavailability as roster_unavailability
from zhiban.roster.generation.points import (
    SOLVER_KIND,
    PointTable,
    is_night,
    point_table,
    ros_04_params,
    solver_kinds,
)
from zhiban.roster.models import POST_ROLE, Assignment, Post, RosterPeriod, ShiftType

MEMBER = "unit_member"  # the qualification for the duty officer post: belonging to the period's unit


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


def shift_minutes(shift: ShiftType) -> tuple[int, int]:
    """(start, length) in minutes of the summer times; an end at or before the start is on the next day."""
    start = shift.summer_start.hour * 60 + shift.summer_start.minute
    end = shift.summer_end.hour * 60 + shift.summer_end.minute
    return start, (end - start) % (24 * 60) or 24 * 60


def unavailability(period: RosterPeriod, people: list[Person], dates: list[dt.date]) -> list[solver.Unavailability]:
    """Days people cannot stand duty, from the registered providers (approved leave, …)."""
    if not dates:
        return []
    index = {d: i for i, d in enumerate(dates)}
    by_pk = {p.pk: p for p in people}
    away = roster_unavailability.unavailable_days(by_pk, dates[0], dates[-1])
    return [
        solver.Unavailability(by_pk[pk].public_id, index[day], "leave")
        for pk, days in sorted(away.items())
        if pk in by_pk
        for day in sorted(days)
        if day in index
    ]


def _duty_candidates(period: RosterPeriod) -> tuple[list[Person], list[str]]:
    """Who the rule engine lets stand duty (ORG-03), and who was left out: the people of the period's unit,
    and the organisation's leaders on duty and drivers (for those posts only, as the cell editor offers them)."""
    organisation = organisation_of(period.unit)
    people, excluded = [], []
    role_holders = RoleAssignment.objects.filter(
        role__in=[r for r in POST_ROLE.values() if r], unit__path__startswith=organisation.path
    ).values("person_id")
    candidates = Person.objects.filter(
        Q(unit__path__startswith=period.unit.path) | Q(pk__in=role_holders, is_active=True)
    ).select_related("unit", "job_type")
    for person in candidates:
        if not person.is_active:
            excluded.append(f"{person.name}: not active")
            continue
        outcome = policy.evaluate(
            unit=period.unit,
            rule_ids=["ORG-03"],
            facts=DutyCandidate(
                person_name=person.name,
                person_kind=person.kind,
                capacity="duty_staff",
                person_organisation=organisation_of(person.unit).public_id,
                duty_organisation=organisation.public_id,
            ),
        )
        if outcome.violations:
            excluded.append(f"{person.name}: ORG-03")
            continue
        people.append(person)
    return people, excluded


def _qualifications(people: list[Person], organisation_path: str) -> dict[int, frozenset[str]]:
    held: dict[int, set[str]] = defaultdict(set)
    roles = [r for r in POST_ROLE.values() if r]
    for person_id, role in RoleAssignment.objects.filter(
        person__in=people, role__in=roles, unit__path__startswith=organisation_path
    ).values_list("person_id", "role"):
        held[person_id].add(str(role))
    return {p.pk: frozenset(held[p.pk]) for p in people}


def _members(people: list[Person], unit_path: str) -> set[int]:
    """People of the period's unit: only they fill the duty officer post (MEMBER qualification)."""
    return {p.pk for p in people if p.unit.path.startswith(unit_path)}


def prior_points(period: RosterPeriod, people: list[Person], table: PointTable) -> dict[int, float]:
    """Year-to-date points of each person from published rosters before the period (same year)."""
    window = ros_04.window_start(period.start, ros_04_params(period.unit))  # the fairness period's start
    totals: dict[int, float] = defaultdict(float)
    if period.start <= window:
        return totals
    rows = list(
        Assignment.objects.filter(
            person__in=people,
            date__gte=window,
            date__lt=period.start,
            version__period__published_version=F("version"),
        ).select_related("shift_type")
    )
    kinds = solver_kinds(window, period.start - dt.timedelta(days=1))
    for a in rows:
        totals[a.person_id] += table.of(kinds[a.date], is_night(a.shift_type))
    return totals


def blocks(
    period: RosterPeriod, dates: list[dt.date], day_kinds: dict[dt.date, str], shift_types: dict[str, ShiftType]
) -> tuple[solver.Block, ...]:
    """ROS-02 weekday blocks, when the pack declares them: the duty officers of each shift worked on working
    days are the same people on every working day of a calendar week. `day_kinds`: workday / rest_day / holiday."""
    index = {d: i for i, d in enumerate(dates)}
    officer = str(Post.DUTY_OFFICER)
    rest_periods = tuple(
        solver.Block(
            tuple(index[d] for d in turn.days), turn.shift_type.code, officer, tuple(s.code for _, s in turn.cells)
        )
        for turn in rotation.rest_period_turns(period, day_kinds, list(shift_types.values()))
        if len(turn.cells) > 1
    )
    _, params = selectors.rule_parameters(period.unit, ["ROS-02"])
    if int(params.get("ROS-02", {}).get("weekday_block_days", 1)) <= 1:
        return rest_periods
    weeks = weekday_blocks((d, day_kinds[d]) for d in dates)
    return rest_periods + tuple(
        solver.Block(tuple(index[d] for d in week), code, officer)
        for week in weeks
        for code, s in shift_types.items()
        if s.applies_to("workday") and len(week) > 1
    )


# ROS-02 order: a strict order costs as much as 10 points of spread per day out of turn (kept unless the
# roster cannot be made otherwise); a preference 0.2 points, which fairness outweighs.
TURN_WEIGHT = {"strict": 1000, "preference": 20}


def rotation_wishes(period: RosterPeriod, dates: list[dt.date], people: list[Person]) -> tuple[solver.Wish, ...]:
    """Each turn of the rotating post wished on whoever's turn it is (ROS-02), weighted by the pack's order."""
    params = rotation.parameters(period)
    if "order" not in params:
        return ()
    weight = TURN_WEIGHT.get(str(params["order"]), TURN_WEIGHT["preference"])
    index = {d: i for i, d in enumerate(dates)}
    ids = {p.pk: p.public_id for p in people}
    return tuple(
        solver.Wish(ids[person.pk], index[day], shift.code, True, weight)
        for turn, person in rotation.ideal(period)
        if person.pk in ids
        for day, shift in turn.cells
        if day in index
    )


def section_unavailability(
    period: RosterPeriod, dates: list[dt.date], kinds: dict[dt.date, str], people: list[Person]
) -> list[solver.Unavailability]:
    """`bureau-shifts`: on working days only the general-affairs section stands duty (ROS-02, P5 二.1)."""
    if not rotation.section_covers_workdays(period):
        return []
    sections = rotation.section_units(period)
    return [
        solver.Unavailability(p.public_id, i, "ROS-02 综合科")
        for p in people
        if not rotation.in_section(p, sections)
        for i, d in enumerate(dates)
        if kinds[d] == "weekday"
    ]


def build_problem(period: RosterPeriod, *, fairness_weight: int = 1) -> Built:
    """The period as a solver problem: hard cover of every post of every shift on its days, qualifications
    from roles, pinned cells of the draft kept, year-to-date points for fairness."""
    organisation = organisation_of(period.unit)
    dates = period.days()
    kinds = solver_kinds(period.start, period.end)
    table = point_table(period.unit)
    people, excluded = _duty_candidates(period)
    draft = selectors.draft_of(period)
    pinned = list(draft.assignments.filter(pinned=True).select_related("person", "shift_type")) if draft else []
    for a in pinned:  # a pinned person is part of the problem even if they would not be chosen now
        if a.person not in people:
            people.append(a.person)
    quals = _qualifications(people, organisation.path)
    prior = prior_points(period, people, table)
    shift_types = {s.code: s for s in selectors.shift_types_for(period.unit)}
    solver_shifts = tuple(
        solver.ShiftType(code, shift_minutes(s)[1], shift_minutes(s)[0]) for code, s in shift_types.items()
    )
    posts = tuple(solver.Post(str(post), str(Post(post).label), role or MEMBER) for post, role in POST_ROLE.items())
    members = _members(people, period.unit.path)
    quals = {pk: held | {MEMBER} if pk in members else held for pk, held in quals.items()}
    days = tuple(solver.Day(d.isoformat(), d.weekday(), kinds[d]) for d in dates)
    cover = []
    reverse_kind = {v: k for k, v in SOLVER_KIND.items()}
    for i, d in enumerate(dates):
        for code, s in shift_types.items():
            if not s.applies_to(reverse_kind[kinds[d]]):
                continue
            for post, n in s.posts():
                cover.append(solver.Cover(i, code, post, n, n, None, None))
    points = {
        (kind, code): table.of(kind, is_night(s)) for kind in SOLVER_KIND.values() for code, s in shift_types.items()
    }
    index = {d: i for i, d in enumerate(dates)}
    pins = tuple(
        solver.Assignment(a.person.public_id, index[a.date], a.shift_type.code, a.post)
        for a in pinned
        if a.date in index
    )
    solver_people = tuple(
        solver.Person(p.public_id, p.name, quals[p.pk], prior_points=round(prior.get(p.pk, 0.0), 2)) for p in people
    )
    problem = solver.Problem(
        people=solver_people,
        days=days,
        shifts=solver_shifts,
        cover=tuple(cover),
        posts=posts,
        unavailable=tuple(unavailability(period, people, dates) + section_unavailability(period, dates, kinds, people)),
        wishes=rotation_wishes(period, dates, people),
        pins=pins,
        fairness=solver.Fairness(points, fairness_weight),
        blocks=blocks(period, dates, {d: reverse_kind[kinds[d]] for d in dates}, shift_types),
        name=str(period),
    )
    return Built(problem, period, dates, {p.public_id: p for p in people}, shift_types, table, excluded)
