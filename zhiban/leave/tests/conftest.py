"""A `bureau` organisation with a published December roster (the roster tests' fixtures), and helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiban.core import clock
from zhiban.org.tests.factories import PersonFactory, UserFactory
from zhiban.roster import services as roster_services
from zhiban.roster.models import RosterPeriod
from zhiban.roster.tests.conftest import fill_day, period, roster_org, travel  # noqa: F401 (fixtures)

DAY = dt.date(2026, 12, 7)  # a Monday; staff_a is the duty officer on the 7th, 8th and 9th


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.local_tz())


@pytest.fixture
def published(roster_org: dict[str, Any], period: RosterPeriod) -> RosterPeriod:  # noqa: F811
    for offset in range(3):
        fill_day(roster_org, period, DAY + dt.timedelta(days=offset))
    roster_services.period_publish(actor=roster_org["secretary"].user, period=period)
    period.refresh_from_db()
    return period


@pytest.fixture
def colleague(roster_org: dict[str, Any]) -> Any:  # noqa: F811
    """Another officer of station_a (department dept_a): the natural substitute of staff_a."""
    return PersonFactory.create(
        name="colleague", unit=roster_org["station_a"], user=UserFactory.create(username="colleague")
    )
