"""The calendar can change under a draft: a Saturday the official arrangement makes a make-up workday loses its
rest-day duty when the period is generated again (the whole period is rewritten), and publication refuses a cell
whose shift no longer runs on its day (ROS-01, citing the clause)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from zhiban.calendar.models import CalendarDay
from zhiban.core import clock
from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.services import policy_adopt
from zhiban.roster import services
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion

pytestmark = pytest.mark.django_db
SATURDAY = dt.date(2026, 12, 12)


@pytest.fixture
def station(org_tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        policy_adopt(actor=None, organisation=org_tree["org"], pack_id="maintenance")
        shifts = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])}
        officer = PersonFactory.create(name="值班员", unit=org_tree["station_a"], user=UserFactory.create())
        RoleAssignmentFactory.create(person=officer, role=Role.DUTY_OFFICER, unit=org_tree["station_a"])
        period = services.period_open(
            actor=None, unit=org_tree["station_a"], start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31)
        )
        yield {**org_tree, "shifts": shifts, "officer": officer, "period": period}


def _make_up_workday(day: dt.date) -> None:
    CalendarDay.objects.update_or_create(
        date=day,
        defaults={
            "kind": "makeup_workday",
            "holiday_name": "",
            "is_working_day": True,
            "source": "official_import",
            "updated_at": clock.now(),
        },
    )


def _cells(period: RosterPeriod) -> set[tuple[dt.date, str]]:
    draft = RosterVersion.objects.get(period=period, published_at=None)
    return {(a.date, a.shift_type.code) for a in Assignment.objects.filter(version=draft).select_related("shift_type")}


def test_ros_01_regeneration_after_a_make_up_workday_leaves_no_rest_day_duty_on_it(station: dict[str, Any]) -> None:
    period, shifts, officer = station["period"], station["shifts"], station["officer"]
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        services.draft_fill(
            actor=None, period=period, cells=[(SATURDAY, shifts["rest_day"], "duty_officer", [officer])]
        )
        assert _cells(period) == {(SATURDAY, "rest_day")}
        _make_up_workday(SATURDAY)  # the State Council's arrangement arrives: Saturday the 12th is worked
        services.draft_fill(
            actor=None,
            period=period,
            cells=[(SATURDAY, shifts["after_hours"], "duty_officer", [officer])],
            whole=True,
        )
        assert _cells(period) == {(SATURDAY, "after_hours")}


def test_ros_01_publication_refuses_a_cell_whose_shift_no_longer_runs_on_its_day(station: dict[str, Any]) -> None:
    period, shifts, officer = station["period"], station["shifts"], station["officer"]
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        services.draft_fill(
            actor=None, period=period, cells=[(SATURDAY, shifts["rest_day"], "duty_officer", [officer])]
        )
        _make_up_workday(SATURDAY)
        with pytest.raises(RuleViolationError) as refused:
            services.period_publish(actor=None, period=period)
        assert refused.value.codes[0].startswith("ROS-01")
        period.refresh_from_db()
        assert period.published_version is None
        # Undone: the same draft publishes once the day is a rest day again.
        CalendarDay.objects.filter(date=SATURDAY).delete()
        services.period_publish(actor=None, period=period)
        period.refresh_from_db()
        assert period.published_version is not None
