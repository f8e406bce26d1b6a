"""A `bureau` organisation with a published December roster: staff_a on duty on the 7th, a colleague on the 8th (the
incoming shift), the leader on duty and the driver on both; the shifts prepared from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiban.duty import shifts
from zhiban.duty.models import DutyShift
from zhiban.org.tests.factories import PersonFactory, UserFactory
from zhiban.roster import services as roster_services
from zhiban.roster.models import RosterPeriod
from zhiban.roster.tests.conftest import fill_day, period, roster_org, travel  # noqa: F401 (fixtures)

DAY = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture
def duty(roster_org: dict[str, Any], period: RosterPeriod) -> dict[str, Any]:  # noqa: F811
    tree = dict(roster_org)
    tree["colleague"] = PersonFactory.create(
        name="colleague", unit=tree["station_a"], user=UserFactory.create(username="colleague"), mobile="13800000001"
    )
    fill_day(tree, period, DAY)
    fill_day(tree, period, DAY + dt.timedelta(days=1), officer=tree["colleague"])
    roster_services.period_publish(actor=tree["secretary"].user, period=period)
    shifts.prepare(DAY, DAY + dt.timedelta(days=1))
    tree["shift"] = DutyShift.objects.get(date=DAY)
    tree["next_shift"] = DutyShift.objects.get(date=DAY + dt.timedelta(days=1))
    return tree


@pytest.fixture
def on_duty(duty: dict[str, Any]) -> dict[str, Any]:
    """The clock at the start of the 7th's shift, staff_a and the leader checked in."""
    from zhiban.duty import services

    duty["travel"].move_to(duty["shift"].starts_at)
    services.check_in(actor=duty["staff_a"].user, shift=duty["shift"])
    services.check_in(actor=duty["leader"].user, shift=duty["shift"])
    return duty
