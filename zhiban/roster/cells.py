"""The checks every cell of a roster passes, however it is written (the cell editor, a generated draft, a
correction, a duty moved by a request): the date within the period, ROS-01 (the shift runs that kind of day, its
posts and headcount, the post's qualification, nobody on two posts of one shift, seats by job type, the minimum
rest), ORG-03 (outsiders) and ROS-02 (the working-day section of `bureau-shifts`), all through the rule engine.

What the checks read — the kinds of the days (`selectors.day_kinds`), the roles the people hold, other
organisations' ids, the sections — is read once for all the cells checked together (`CellChecks`), so checking a
month of cells costs the queries of checking one. A refused cell can be reported as data (`CellRefusal`: the rule,
its code and the message of each refusal) instead of an error.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation

from zhiban.org.candidates import duty_candidate, organisation_ids
from zhiban.org.models import Person, RoleAssignment
from zhiban.org.scopes import organisation_of
from zhiban.policy import services as policy
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.rules.ros_01 import PostCell, PostHolder, SeatHolder, ShiftDay, ShiftPosts
from zhiban.roster import rotation, seat_rules, selectors
from zhiban.roster.models import POST_ROLE, Assignment, Post, RosterPeriod, ShiftType

Cell = tuple[dt.date, ShiftType, str, Sequence[Person]]
NEAR_DAYS = 2  # the rest before and after a duty is measured to the person's duties this many days either side


@dataclass(frozen=True)
class Refusal:
    """One reason a cell was refused: the rule and the stable code of the check (both empty for a refusal that is
    no rule's, such as a date outside the period) and the message as pages show it (citing the rule's pack, clause
    and policy version)."""

    rule: str
    code: str
    message: str


def refusals_of(error: ValidationError) -> tuple[Refusal, ...]:
    """The refusals an error carries, as data."""
    if isinstance(error, RuleViolationError):
        language = translation.get_language() or "zh-hans"
        return tuple(Refusal(f.rule_id, f.code, f.message(language)) for f in error.findings)
    return tuple(Refusal("", "", message) for message in error.messages)


@dataclass(frozen=True)
class CellRefusal:
    """A cell that was not written, and why. `index` counts the cells as they were given, from 1."""

    index: int
    day: dt.date
    shift_type: ShiftType
    post: str
    people: tuple[Person, ...]
    refusals: tuple[Refusal, ...]

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(r.rule for r in self.refusals if r.rule))

    def line(self) -> str:
        """`2026-12-01 值班 值班员（张三）：ORG-03 …`, as the generation panel lists it."""
        names = "、".join(p.name for p in self.people)
        where = f"{self.day:%Y-%m-%d} {self.shift_type.name} {Post(self.post).label}"
        return f"{where}（{names}）：{'；'.join(r.message for r in self.refusals)}"

    def error(self) -> ValidationError:
        """The refusal as the error that names the cell (an all-or-nothing write refuses with it)."""
        where = f"cell {self.index} ({self.day} {self.shift_type.code} {self.post})"
        return ValidationError({"cells": f"{where}: {'; '.join(r.message for r in self.refusals)}"})


class CellChecks:
    """The checks of the cells of one period, with what they read loaded once for all `cells` (the cells about to
    be checked: their days, people and posts)."""

    def __init__(self, period: RosterPeriod, cells: Iterable[Cell]) -> None:
        cells = list(cells)
        self.period = period
        self.organisation = organisation_of(period.unit)
        days = [day for day, _, _, _ in cells if period.start <= day <= period.end]
        self.kinds = selectors.day_kinds(period.unit, min(days), max(days)) if days else {}
        people = {person.pk: person for _, _, _, who in cells for person in who}
        self.ids = organisation_ids(people.values(), self.organisation)
        self.roles: dict[int, set[str]] = defaultdict(set)
        roles = {POST_ROLE.get(post) or "" for _, _, post, who in cells if who} - {""}
        if roles and people:
            held = RoleAssignment.objects.filter(
                person_id__in=list(people), role__in=sorted(roles), unit__path__startswith=self.organisation.path
            ).values_list("person_id", "role")
            for person_id, role in held:
                self.roles[person_id].add(str(role))
        self._sections: list[str] | None = None

    def _enforce(self, rule_id: str, field: str, facts: object) -> None:
        policy.enforce(unit=self.period.unit, rule_ids=[rule_id], field=field, facts=facts)

    def sections(self) -> list[str]:
        if self._sections is None:
            self._sections = rotation.section_units(self.period)
        return self._sections

    def check(self, day: dt.date, shift_type: ShiftType, post: str, people: Sequence[Person]) -> None:
        """Refuse a cell that breaks a rule: the date, the shift's days and posts (ROS-01), outsiders (ORG-03), the
        post's qualification (ROS-01) and, in `bureau-shifts`, who covers working days (ROS-02)."""
        period, organisation = self.period, self.organisation
        if not period.start <= day <= period.end:
            raise ValidationError({"date": f"{day} is outside the period {period.start}–{period.end}"})
        if shift_type.organisation_id != organisation.pk:
            raise ValidationError({"shift_type": f"{shift_type.name} is not a shift type of {organisation.name}"})
        kind = self.kinds[day]
        self._enforce("ROS-01", "shift_type", ShiftDay(shift_type.name, day, kind, tuple(shift_type.day_kinds)))
        label = str(Post(post).label)
        cell = PostCell(shift_type.name, label, shift_type.headcount(post), len(people))
        self._enforce("ROS-01", "post" if cell.headcount == 0 else "person", cell)
        if len({p.pk for p in people}) != len(people):
            raise ValidationError({"person": "the same person is given twice"})
        role = POST_ROLE.get(post) or ""
        for person in people:
            self._enforce("ORG-03", "person", duty_candidate(person, organisation=organisation, ids=self.ids))
            if not person.is_active:
                raise ValidationError({"person": f"{person.name} is not active"})
            holds = bool(role) and role in self.roles[person.pk]
            self._enforce("ROS-01", "person", PostHolder(person.name, label, role, holds))
        if post == Post.DUTY_OFFICER and people and kind == "workday" and rotation.section_covers_workdays(period):
            sections = self.sections()
            policy.enforce(
                unit=period.unit,
                rule_ids=["ROS-02"],
                field="person",
                facts=[rotation.working_day_duty(period, person, day, sections) for person in people],
            )

    def check_one_post(
        self, held: Iterable[Assignment], day: dt.date, shift_type: ShiftType, post: str, people: Sequence[Person]
    ) -> None:
        """Nobody fills two posts of the same shift (leader and officer at once). `held`: who the version holds
        (at least on that day and shift), the cell itself included or not."""
        ids = {p.pk for p in people}
        taken = next(
            (
                a
                for a in held
                if a.date == day and a.shift_type_id == shift_type.pk and a.post != post and a.person_id in ids
            ),
            None,
        )
        if taken is not None:
            facts = ShiftPosts(
                taken.person.name, shift_type.name, day, str(Post(post).label), str(Post(taken.post).label)
            )
            self._enforce("ROS-01", "person", facts)

    def check_seats(
        self, held: Iterable[Assignment], day: dt.date, shift_type: ShiftType, post: str, people: Sequence[Person]
    ) -> None:
        """ROS-01 seats by job type, and the minimum rest between the people's duties: `held` (with person and shift
        type) holds at least their duties of the version two days either side (`seat_rules.cell_facts`, from rows
        already read)."""
        facts: list[object] = []
        if post == Post.DUTY_OFFICER:
            label = str(Post(post).label)
            facts += [
                SeatHolder(p.name, label, p.job_type.code if p.job_type else "", p.job_type.name if p.job_type else "")
                for p in people
            ]
        ids = {p.pk for p in people}
        near = [
            (a.person, a.date, a.shift_type)
            for a in held
            if a.person_id in ids
            and abs((a.date - day).days) <= NEAR_DAYS
            and not (a.date == day and a.shift_type_id == shift_type.pk)
        ]
        if near:  # a person's only duty has no rest to measure: the shift windows are read only when there is one
            duties = near + [(p, day, shift_type) for p in people]
            facts += seat_rules.rest_gaps(self.period, duties, only={(p.pk, day, shift_type.pk) for p in people})
        if facts:
            self._enforce("ROS-01", "person", facts)
