"""A `service-center` organisation with two teams, their team leads, operators of one job type and a
published December roster; the clock stands on 20 November 2026."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from zhiban.calendar.models import CalendarDay
from zhiban.core import clock
from zhiban.org.models import Person, Role
from zhiban.org.tests.factories import (
    JobTypeFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)
from zhiban.policy.services import policy_adopt
from zhiban.roster import duties, services
from zhiban.roster.models import RosterPeriod
from zhiban.swaps import selectors

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DEC_7 = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture
def travel() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Centre(dict[str, Any]):
    """The objects by name, and helpers to put people on the roster and name their duties."""

    def put(self, person: Person, day: dt.date, code: str) -> None:
        services.assignment_set(
            actor=self["secretary"].user,
            period=self["period"],
            day=day,
            shift_type=self["shifts"][code],
            post="duty_officer",
            people=[person],
        )

    def publish(self) -> RosterPeriod:
        # the shifts of this partial roster have no senior (ROS-01 senior_per_shift warns): published with a reason
        services.period_publish(actor=self["secretary"].user, period=self["period"], note="测试值班表，部分班次")
        self["period"].refresh_from_db()
        return self["period"]

    def token(self, person: Person, day: dt.date, code: str) -> str:
        duty = duties.duty_of(self["period"], day, self["shifts"][code], "duty_officer", person)
        assert duty is not None, f"{person.name} is not on {day} {code}"
        return selectors.duty_token(duty)

    def holiday(self, day: dt.date) -> None:
        CalendarDay.objects.update_or_create(
            date=day,
            defaults={
                "kind": "statutory_holiday",
                "holiday_name": "元旦",
                "is_working_day": False,
                "source": "manual_correction",
                "updated_at": clock.now(),
            },
        )


def _person(name: str, unit: Any, *, role: str | None = None, grade: int | None = 2, job: Any = None) -> Person:
    person = PersonFactory.create(
        name=name, unit=unit, user=UserFactory.create(username=name), job_type=job, grade=grade
    )
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


@pytest.fixture
def centre(db: None, travel: Any) -> Centre:
    org = UnitFactory.create(name="客服中心", kind="organisation")
    dept = UnitFactory.create(name="客服部", parent=org)
    team_a = UnitFactory.create(name="一班", kind="team", parent=dept)
    team_b = UnitFactory.create(name="二班", kind="team", parent=dept)
    policy_adopt(actor=None, organisation=org, pack_id="service-center")
    operator = JobTypeFactory.create(code="operator", name="话务员")
    repair = JobTypeFactory.create(code="repair_engineer", name="维修员")
    c = Centre(org=org, dept=dept, team_a=team_a, team_b=team_b, operator=operator, repair=repair, travel=travel)
    c["secretary"] = _person("secretary", org, role=Role.SECRETARIAT, job=operator)
    c["lead_a"] = _person("lead_a", team_a, role=Role.TEAM_LEAD, job=operator, grade=3)
    c["lead_b"] = _person("lead_b", team_b, role=Role.TEAM_LEAD, job=operator, grade=3)
    c["wang"] = _person("wang", team_a, job=operator)
    c["zhao"] = _person("zhao", team_a, job=operator)
    c["li"] = _person("li", team_b, job=operator)
    c["junior"] = _person("junior", team_b, job=operator, grade=1)
    c["novice"] = _person("novice", team_b, job=operator, grade=None)
    c["fixer"] = _person("fixer", team_b, job=repair)
    c["shifts"] = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org)}
    c["period"] = services.period_open(
        actor=c["secretary"].user, unit=org, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31)
    )
    return c


@pytest.fixture
def roster(centre: Centre) -> Centre:
    """wang: early on the 7th, 9th, 11th, 14th, 16th; li: early on the 8th, 10th, 15th, 17th; zhao: early on
    the 12th, 18th; junior, novice and fixer: late on the 8th, 10th and 15th."""
    for day in (7, 9, 11, 14, 16):
        centre.put(centre["wang"], dt.date(2026, 12, day), "early")
    for day in (8, 10, 15, 17):
        centre.put(centre["li"], dt.date(2026, 12, day), "early")
    for day in (12, 18):
        centre.put(centre["zhao"], dt.date(2026, 12, day), "early")
    centre.put(centre["junior"], dt.date(2026, 12, 8), "late")
    centre.put(centre["novice"], dt.date(2026, 12, 10), "late")
    centre.put(centre["fixer"], dt.date(2026, 12, 15), "late")
    centre.publish()
    return centre
