"""Fixtures of the roster tests (a `bureau` organisation with rosters), and a `maintenance` one for ROS-08."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiban.org.models import Role
from zhiban.org.tests.factories import UnitFactory
from zhiban.policy.services import policy_adopt, policy_parameter_override
from zhiban.roster import services
from zhiban.roster.tests.conftest import _person, fill_day, period, roster_org, travel  # noqa: F401

DEC_3 = dt.date(2026, 12, 3)  # Thursday: a working day
DEC_5 = dt.date(2026, 12, 5)  # Saturday: a rest day
DEC_6 = dt.date(2026, 12, 6)  # Sunday


@pytest.fixture
def published(roster_org: dict[str, Any], period: Any) -> Any:  # noqa: F811 (fixtures of the roster tests)
    """December published with duty on Thursday 3rd, Saturday 5th and Sunday 6th (staff_a on the 3rd and 5th)."""
    fill_day(roster_org, period, DEC_3)
    fill_day(roster_org, period, DEC_5)
    fill_day(roster_org, period, DEC_6, officer=roster_org["head_a"])
    services.period_publish(actor=roster_org["secretary"].user, period=period)
    period.refresh_from_db()
    return period


@pytest.fixture
def maintenance(org_tree: dict[str, Any], travel: Any) -> dict[str, Any]:  # noqa: F811
    """A `maintenance` company (P2 第十一条 rates set: weekend 100, holiday 200, after hours 50) with a
    published December roster."""
    org = UnitFactory.create(name="维修公司", kind="organisation")
    station = UnitFactory.create(name="维修一站", kind="station", parent=org)
    policy = policy_adopt(actor=None, organisation=org, pack_id="maintenance")
    for name, value in (("rate_weekend", 100), ("rate_holiday", 200), ("rate_after_hours", 50)):
        policy_parameter_override(actor=None, policy=policy, rule_id="ROS-08", parameter=name, value=value)
    tree: dict[str, Any] = {"org": org, "station": station, "policy": policy}
    tree["secretary"] = _person("m_secretary", org, Role.SECRETARIAT)
    tree["wang"] = _person("王五", station)
    tree["zhao"] = _person("赵六", station)
    shifts = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org)}
    tree["shifts"] = shifts
    actor = tree["secretary"].user
    month = services.period_open(actor=actor, unit=org, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
    cells = [
        (DEC_3, "after_hours", tree["wang"]),
        (DEC_5, "rest_day", tree["wang"]),
        (DEC_6, "rest_day", tree["zhao"]),
        (dt.date(2026, 12, 7), "after_hours", tree["zhao"]),
        (dt.date(2026, 12, 8), "after_hours", tree["zhao"]),
    ]
    for day, code, who in cells:
        services.assignment_set(
            actor=actor, period=month, day=day, shift_type=shifts[code], post="duty_officer", people=[who]
        )
    services.period_publish(actor=actor, period=month)
    month.refresh_from_db()
    tree["period"] = month
    return tree
