"""ROS-02 on real rosters: the rotation order of a unit, its turns in a period, where the last period left
off, the general-affairs section of `bureau-shifts`, and the facts the rule engine checks.

A *turn* of the rotating post (duty officer on shifts that take one) is a weekday block where the pack
sets blocks (the working days of a calendar week), otherwise one shift on one day. The order is the
unit's list (employee number); it continues from whoever held the last turn of the unit's previous
published period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from zhiban.core.dates import month_day
from zhiban.org.models import Person, Role, RoleAssignment
from zhiban.org.scopes import organisation_of
from zhiban.policy import engine
from zhiban.policy import services as policy
from zhiban.policy.rules import ros_02
from zhiban.policy.rules.ros_02 import (
    RestDayRun,
    Rotation,
    TurnSequence,
    TurnSlot,
    WeekdayBlock,
    WorkingDayDuty,
    ideal_turns,
)
from zhiban.policy.shaping import ShiftFacts
from zhiban.roster import selectors, unavailability
from zhiban.roster.models import POST_ROLE, Assignment, Post, RosterPeriod, RosterVersion, ShiftType

ROTATING_POST = str(Post.DUTY_OFFICER)


@dataclass(frozen=True)
class Turn:
    """One turn: the (day, shift) cells one person holds — several for a weekday block or a maintenance rest
    period (Friday's after-hours duty and the rest days' duties), one otherwise."""

    cells: tuple[tuple[dt.date, ShiftType], ...]

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(day for day, _ in self.cells)

    @property
    def shift_type(self) -> ShiftType:
        return self.cells[0][1]

    @property
    def label(self) -> str:
        first, last = self.days[0], self.days[-1]
        when = month_day(first) if first == last else f"{month_day(first)}至{month_day(last)}"
        return f"{when}{self.shift_type.name}"


def parameters(period: RosterPeriod) -> dict[str, object]:
    _, params = selectors.rule_parameters(period.unit, ["ROS-02"])
    return dict(params.get("ROS-02", {}))


def day_kinds(period: RosterPeriod) -> dict[dt.date, str]:
    """workday / rest_day / holiday of each day of the period (`selectors.day_kinds`)."""
    return selectors.day_kinds(period.unit, period.start, period.end)


def shift_facts(shifts: list[ShiftType]) -> tuple[ShiftFacts, ...]:
    """The shift types as the rules' turn logic reads them (code, days, posts; times do not matter to turns)."""
    return tuple(ShiftFacts(s.code, s.name, 0, 0, tuple(s.day_kinds), tuple(s.posts()), s.is_night) for s in shifts)


def turns(period: RosterPeriod, kinds: dict[dt.date, str] | None = None) -> list[Turn]:
    """The turns of the rotating post in date order (`ros_02.turns`: rest periods, weekday blocks, single cells)."""
    kinds = kinds or day_kinds(period)
    dates = tuple(period.days())
    shifts = selectors.shift_types_for(period.unit)
    by_code = {s.code: s for s in shifts}
    cells = ros_02.turns(dates, tuple(kinds[d] for d in dates), shift_facts(shifts), ROTATING_POST, parameters(period))
    return [Turn(tuple((dates[day], by_code[code]) for day, code in turn)) for turn in cells]


def order(period: RosterPeriod) -> list[Person]:
    """The rotation: active staff of the period's unit, in the unit's list order (employee number). Leaders on
    duty and drivers take their own posts (带班, 代班) and are not in the officers' rotation."""
    organisation = organisation_of(period.unit)
    people = list(
        Person.objects.filter(unit__path__startswith=period.unit.path, is_active=True, kind="staff").order_by(
            "employee_number"
        )
    )
    roles: dict[int, set[str]] = {p.pk: set() for p in people}
    for person_id, role in RoleAssignment.objects.filter(
        person__in=people, unit__path__startswith=organisation.path
    ).values_list("person_id", "role"):
        roles[person_id].add(str(role))
    post_roles = frozenset(str(r) for r in POST_ROLE.values() if r)
    params = parameters(period)
    return [p for p in people if ros_02.takes_part(frozenset(roles[p.pk]), post_roles, params)]


def _holders(version: RosterVersion | None) -> dict[tuple[dt.date, int], str]:
    if version is None:
        return {}
    rows = Assignment.objects.filter(version=version, post=ROTATING_POST).values_list(
        "date", "shift_type_id", "person__name"
    )
    return {(day, shift): name for day, shift, name in rows}


def previous_holder(period: RosterPeriod) -> str | None:
    """Who held the last turn of the unit's latest published period before this one (the order goes on)."""
    last = (
        Assignment.objects.published()
        .filter(
            version__period__unit=period.unit,
            date__lt=period.start,
            post=ROTATING_POST,
            shift_type__officers=1,
        )
        .order_by("-date", "-shift_type__sort_order")
        .values_list("person__name", flat=True)
        .first()
    )
    return last


def _away(people: Iterable[Person], period: RosterPeriod) -> dict[int, set[dt.date]]:
    return unavailability.unavailable_days([p.pk for p in people], period.start, period.end)


def turn_sequence(period: RosterPeriod, version: RosterVersion | None) -> TurnSequence:
    """The facts of the in-turn check for a version (draft or published) of the period."""
    people = order(period)
    away = _away(people, period)
    holders = _holders(version)
    slots = []
    for turn in turns(period):
        holder = next((holders[(d, shift.pk)] for d, shift in turn.cells if (d, shift.pk) in holders), "")
        if not holder:
            continue
        unavailable = frozenset(p.name for p in people if away.get(p.pk, set()) & set(turn.days))
        slots.append(TurnSlot(turn.label, holder, unavailable))
    return TurnSequence(
        str(Post.DUTY_OFFICER.label), tuple(p.name for p in people), previous_holder(period), tuple(slots)
    )


def rotation(period: RosterPeriod, version: RosterVersion | None) -> Rotation:
    """Weekday blocks and rest-day runs of the rotating post, as held in `version`."""
    kinds = day_kinds(period)
    holders = _holders(version)
    label = str(Post.DUTY_OFFICER.label)
    blocks = []
    runs = []
    all_turns = turns(period, kinds)
    for turn in all_turns:
        if len(turn.days) > 1:
            duties = tuple(
                (d, holders[(d, turn.shift_type.pk)]) for d in turn.days if (d, turn.shift_type.pk) in holders
            )
            blocks.append(WeekdayBlock(label, turn.days, duties))
    for shift in sorted({t.shift_type for t in all_turns if len(t.days) == 1}, key=lambda s: s.sort_order):
        run: list[tuple[dt.date, str]] = []
        for day in period.days():
            if kinds[day] != "workday" and (day, shift.pk) in holders:
                if run and run[-1][0] != day - dt.timedelta(days=1):
                    runs.append(RestDayRun(label, tuple(run)))
                    run = []
                run.append((day, holders[(day, shift.pk)]))
        if run:
            runs.append(RestDayRun(label, tuple(run)))
    return Rotation(tuple(blocks), tuple(runs))


def check(period: RosterPeriod, version: RosterVersion | None) -> engine.Outcome:
    """ROS-02 over a version: rotation blocks and the order (warnings the publisher answers with a reason)."""
    return policy.evaluate(
        unit=period.unit, rule_ids=["ROS-02"], facts=[rotation(period, version), turn_sequence(period, version)]
    )


def ideal(period: RosterPeriod) -> list[tuple[Turn, Person]]:
    """Who takes each turn when the order is followed from where the last period left off, the
    unavailable skipped (generation prefers these, strictly or as a preference, as the pack says)."""
    people = order(period)
    by_name = {p.name: p for p in people}
    away = _away(people, period)
    all_turns = turns(period)
    unavailable = [frozenset(p.name for p in people if away.get(p.pk, set()) & set(t.days)) for t in all_turns]
    holders = ideal_turns(tuple(by_name), previous_holder(period), unavailable)
    return [(turn, by_name[name]) for turn, name in zip(all_turns, holders, strict=True) if name is not None]


def section_covers_workdays(period: RosterPeriod) -> bool:
    """`bureau-shifts`: working days are covered by the general-affairs section alone (P5 二.1)."""
    return parameters(period).get("weekday_coverage") == "general_affairs"


def section_units(period: RosterPeriod) -> list[str]:
    """Paths of the general-affairs section(s) (综合科): the units where the secretariat role is held."""
    organisation = organisation_of(period.unit)
    return sorted(
        set(
            RoleAssignment.objects.filter(role=Role.SECRETARIAT, unit__path__startswith=organisation.path)
            .exclude(unit=organisation)
            .values_list("unit__path", flat=True)
        )
    )


def in_section(person: Person, sections: list[str]) -> bool:
    return any(person.unit.path.startswith(path) for path in sections)


def working_day_duty(period: RosterPeriod, person: Person, day: dt.date, sections: list[str]) -> WorkingDayDuty:
    return WorkingDayDuty(person.name, day, in_section(person, sections))
