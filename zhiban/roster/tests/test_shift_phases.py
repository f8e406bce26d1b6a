"""ROS-01 `office_end` (bureau: 坐班 until then, phone duty after) and the handovers of bureau-shifts, from the pack's
parameters to the shift type, the duty board and the calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from zhiban.accounts.tests.clients import client_for
from zhiban.org.tests.factories import UnitFactory
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.services import policy_adopt, policy_parameter_override
from zhiban.roster import services
from zhiban.roster.exports import feeds
from zhiban.roster.tests.conftest import DECEMBER, fill_day

pytestmark = pytest.mark.django_db


def test_ros_01_office_end_is_the_duty_s_office_hours_on_the_board_and_in_the_feed(roster_org: dict[str, Any]) -> None:
    duty = roster_org["duty"]
    assert duty.phases() == ["17:00前坐班，之后电话值班"]
    live = policy_selectors.policy_for_unit(roster_org["org"])
    assert live is not None
    policy_parameter_override(actor=None, policy=live, rule_id="ROS-01", parameter="office_end", value="17:30")
    (duty,) = services.roster_setup_from_pack(actor=None, organisation=roster_org["org"])
    assert duty.phases() == ["17:30前坐班，之后电话值班"]
    period = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    day = dt.date(2026, 12, 3)
    fill_day(roster_org, period, day)
    services.period_publish(actor=None, period=period)
    secret = feeds.feed_token_create_personal(actor=roster_org["staff_a"].user, label="phone")[1]
    (event,) = Calendar.from_ical(Client().get(f"/roster/feeds/{secret}.ics").content).walk("VEVENT")
    assert "17:30前坐班，之后电话值班" in str(event["description"])
    roster_org["travel"].move_to(dt.datetime(2026, 12, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    page = client_for(roster_org["staff_a"]).get("/board/").content.decode()
    assert "17:30前坐班，之后电话值班" in page


def test_bureau_shifts_holiday_day_shift_hands_over_at_noon_and_in_the_afternoon() -> None:
    org = UnitFactory.create(name="某局", kind="organisation")
    policy_adopt(actor=None, organisation=org, pack_id="bureau-shifts")
    shifts = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org)}
    assert shifts["day"].phases() == ["12:00、16:00交接班"]
    assert shifts["night"].phases() == []
    live = policy_selectors.policy_for_unit(org)
    assert live is not None
    policy_parameter_override(actor=None, policy=live, rule_id="ROS-01", parameter="midday_handover", value="12:30")
    shifts = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org)}
    assert shifts["day"].phases() == ["12:30、16:00交接班"]
