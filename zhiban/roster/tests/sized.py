"""Organisations of a chosen size with a published roster, for the query-count tests: the same shape (the people
the measured request is about, their duties, their approvers) whatever the number of other people and duties."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhiban.org.models import Person, Role
from zhiban.org.tests.factories import JobTypeFactory, PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from zhiban.policy.services import policy_adopt
from zhiban.roster import services
from zhiban.roster.models import RosterPeriod

DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
MEASURED_DAY = dt.date(2026, 12, 7)  # a Monday: the first staff member's duty, in every organisation


def _person(prefix: str, name: str, unit: Any, role: str | None = None) -> Person:
    person = PersonFactory.create(
        name=f"{prefix}{name}", unit=unit, user=UserFactory.create(username=f"{prefix}{name}")
    )
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


def bureau_organisation(prefix: str, *, staff: int, days: int) -> dict[str, Any]:
    """A `bureau` organisation: secretariat, a leader on duty, a driver, a department head and `staff` people of
    one station; its December roster published with `days` days filled from the 7th (`staff[0]` on duty on the
    7th only, the others in turn on the other days)."""
    org = UnitFactory.create(name=f"{prefix}局", kind="organisation")
    dept = UnitFactory.create(name=f"{prefix}办公室", parent=org)
    station = UnitFactory.create(name=f"{prefix}一站", kind="station", parent=dept)
    policy_adopt(actor=None, organisation=org, pack_id="bureau")
    tree: dict[str, Any] = {"org": org, "dept": dept, "station": station}
    tree["secretary"] = _person(prefix, "secretary", org, Role.SECRETARIAT)
    tree["leader"] = _person(prefix, "leader", org, Role.DUTY_LEADER)
    tree["driver"] = _person(prefix, "driver", org, Role.STANDBY_DRIVER)
    tree["head"] = _person(prefix, "head", dept, Role.DEPARTMENT_HEAD)
    tree["staff"] = [_person(prefix, f"staff{index}", station) for index in range(staff)]
    (tree["duty"],) = services.roster_setup_from_pack(actor=None, organisation=org)
    period = services.period_open(actor=None, unit=org, start=DECEMBER[0], end=DECEMBER[1])
    others = tree["staff"][1:] or tree["staff"]
    cells = []
    for offset in range(days):
        day = MEASURED_DAY + dt.timedelta(days=offset)
        officer = tree["staff"][0] if offset == 0 else others[(offset - 1) % len(others)]
        cells += [
            (day, tree["duty"], "duty_leader", [tree["leader"]]),
            (day, tree["duty"], "duty_officer", [officer]),
            (day, tree["duty"], "standby_driver", [tree["driver"]]),
        ]
    services.draft_fill(actor=None, period=period, cells=cells, source="test")
    services.period_publish(actor=None, period=period)
    tree["period"] = RosterPeriod.objects.get(pk=period.pk)
    return tree


def centre_organisation(prefix: str, *, operators: int, days: int) -> dict[str, Any]:
    """A `service-center` organisation: two teams with their team leads and `operators` operators in turn on the
    early shift from the 9th for `days` days; `wang` (team one) early on the 7th, `li` (team two) early on the 8th."""
    org = UnitFactory.create(name=f"{prefix}客服中心", kind="organisation")
    dept = UnitFactory.create(name=f"{prefix}客服部", parent=org)
    team_a = UnitFactory.create(name=f"{prefix}一班", kind="team", parent=dept)
    team_b = UnitFactory.create(name=f"{prefix}二班", kind="team", parent=dept)
    policy_adopt(actor=None, organisation=org, pack_id="service-center")
    operator = JobTypeFactory.create(code="operator", name="话务员")

    def person(name: str, unit: Any, role: str | None = None, grade: int = 2) -> Person:
        found = PersonFactory.create(
            name=f"{prefix}{name}",
            unit=unit,
            user=UserFactory.create(username=f"{prefix}{name}"),
            job_type=operator,
            grade=grade,
        )
        if role:
            RoleAssignmentFactory.create(person=found, role=role, unit=unit)
        return found

    tree: dict[str, Any] = {"org": org, "dept": dept, "team_a": team_a, "team_b": team_b}
    tree["secretary"] = person("secretary", org, Role.SECRETARIAT)
    tree["lead_a"] = person("lead_a", team_a, Role.TEAM_LEAD, grade=3)
    tree["lead_b"] = person("lead_b", team_b, Role.TEAM_LEAD, grade=3)
    tree["wang"] = person("wang", team_a)
    tree["li"] = person("li", team_b)
    tree["operators"] = [person(f"op{index}", (team_a, team_b)[index % 2]) for index in range(operators)]
    tree["shifts"] = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org)}
    period = services.period_open(actor=None, unit=org, start=DECEMBER[0], end=DECEMBER[1])
    early = tree["shifts"]["early"]
    cells = [
        (MEASURED_DAY, early, "duty_officer", [tree["wang"]]),
        (MEASURED_DAY + dt.timedelta(days=1), early, "duty_officer", [tree["li"]]),
    ]
    for offset in range(days):
        day = MEASURED_DAY + dt.timedelta(days=2 + offset)
        cells.append((day, early, "duty_officer", [tree["operators"][offset % operators]]))
    services.draft_fill(actor=None, period=period, cells=cells, source="test")
    services.period_publish(actor=None, period=period)
    tree["period"] = RosterPeriod.objects.get(pk=period.pk)
    return tree
