"""A `bureau` organisation ready for rosters: secretariat, a leader on duty, a driver, a guard, shift types."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from zhiban.core import clock
from zhiban.org.models import PersonKind, Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from zhiban.roster import services

# Opened and edited in November, for December 2026.
EDIT_TIME = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def _person(name: str, unit: Any, role: str | None = None, kind: str = PersonKind.STAFF) -> Any:
    person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name), kind=kind)
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


@pytest.fixture
def travel() -> Any:
    with time_machine.travel(EDIT_TIME, tick=False) as traveller:
        yield traveller


@pytest.fixture
def roster_org(org_tree_bureau: dict[str, Any], travel: Any) -> dict[str, Any]:
    tree = dict(org_tree_bureau)
    org = tree["org"]
    tree["secretary"] = _person("secretary", org, Role.SECRETARIAT)
    tree["leader"] = _person("leader", org, Role.DUTY_LEADER)
    tree["driver"] = _person("driver", org, Role.STANDBY_DRIVER)
    tree["guard"] = _person("guard", tree["dept_a"], kind=PersonKind.GUARD)
    other_org = UnitFactory.create(name="外单位", kind="organisation")
    tree["outsider"] = _person("outsider", other_org)
    tree["shifts"] = services.roster_setup_from_pack(actor=None, organisation=org)
    tree["duty"] = tree["shifts"][0]
    tree["travel"] = travel
    return tree


@pytest.fixture
def period(roster_org: dict[str, Any]) -> Any:
    return services.period_open(
        actor=roster_org["secretary"].user, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1]
    )


def fill_day(tree: dict[str, Any], period: Any, day: dt.date, officer: Any | None = None) -> None:
    """Leader, one officer and the driver on `day`."""
    actor = tree["secretary"].user
    duty = tree["duty"]
    services.assignment_set(
        actor=actor, period=period, day=day, shift_type=duty, post="duty_leader", people=[tree["leader"]]
    )
    services.assignment_set(
        actor=actor, period=period, day=day, shift_type=duty, post="duty_officer", people=[officer or tree["staff_a"]]
    )
    services.assignment_set(
        actor=actor, period=period, day=day, shift_type=duty, post="standby_driver", people=[tree["driver"]]
    )


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.local_tz())
