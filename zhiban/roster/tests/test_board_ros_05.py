"""ROS-05 on the duty board (值日牌) of a `company-shifts` organisation (P4 第三条: 写明值班员工的姓名): every post of
today's shifts, and of a shift still running, is named; a post or a whole shift with nobody is flagged on the board,
through the rule engine with its citation; phones are shown, and checked, as the pack's `show_phones` says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiban.accounts.tests.clients import client_for
from zhiban.org.models import Unit
from zhiban.policy import services as policy_services
from zhiban.policy.models import Policy
from zhiban.roster import selectors, services
from zhiban.roster.models import RosterPeriod, ShiftType

from .conftest import DECEMBER, local

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)  # a Thursday: after-hours duty 17:00 to 08:00 the next morning


@pytest.fixture
def company(org_tree: dict[str, Any], travel: Any) -> dict[str, Any]:
    """`org_tree` under `company-shifts`, its December roster published with staff_a on duty after hours on the 3rd."""
    tree = dict(org_tree, travel=travel)
    policy_services.policy_adopt(actor=None, organisation=tree["org"], pack_id="company-shifts")
    services.roster_setup_from_pack(actor=None, organisation=tree["org"])
    tree["after_hours"] = ShiftType.objects.get(organisation=tree["org"], code="after_hours")
    period = services.period_open(actor=None, unit=tree["org"], start=DECEMBER[0], end=DECEMBER[1])
    services.assignment_set(
        actor=None, period=period, day=DEC_3, shift_type=tree["after_hours"], post="duty_officer",
        people=[tree["staff_a"]],
    )  # fmt: skip
    services.period_publish(actor=None, period=period)
    tree["period"] = RosterPeriod.objects.get(pk=period.pk)
    return tree


def board_of(tree: dict[str, Any], at: dt.datetime) -> selectors.BoardUnit:
    (entry,) = selectors.board(units=Unit.objects.filter(pk=tree["org"].pk), at=at)
    return entry


def test_ros_05_every_post_named_with_a_phone_is_a_board_with_nothing_missing(company: dict) -> None:
    entry = board_of(company, local(2026, 12, 3, 20))
    assert [p.name for shift in entry.now for p in shift.officers] == ["staff_a"]
    assert entry.findings == []
    assert entry.show_phones


def test_ros_05_the_next_days_unfilled_duty_is_flagged_citing_the_clause(company: dict) -> None:
    entry = board_of(company, local(2026, 12, 4, 7, 59))  # the 3rd's duty still on; the 4th's has nobody
    (finding,) = entry.findings
    assert finding.code == "ROS-05.on_duty_named"
    assert (finding.citation.pack_id, finding.citation.source, finding.citation.clause) == (
        "company-shifts",
        "P4",
        "第三条",
    )
    assert finding.detail("zh") == "值日牌市局：12月4日下班后值班（17:00–08:00）值班人员缺1人，未写明值班人员姓名"
    assert finding.finding.details["on_now"] is False


def test_ros_05_an_unfilled_shift_on_now_is_flagged_from_its_start_and_not_a_minute_before(company: dict) -> None:
    before = board_of(company, local(2026, 12, 4, 16, 59))
    assert [f.finding.details["on_now"] for f in before.findings] == [False]
    at_start = board_of(company, local(2026, 12, 4, 17, 0))
    assert [f.finding.details["on_now"] for f in at_start.findings] == [True]
    assert "正在值班" in at_start.findings[0].detail("zh")


def test_ros_05_a_unit_with_nobody_on_the_board_today_still_shows_what_is_missing(company: dict) -> None:
    # Sunday, a rest day (P4 第二条: Saturday works in the six-day week): a day and a night shift, nobody rostered
    entry = board_of(company, local(2026, 12, 6, 10))
    assert (entry.now, entry.today, entry.tomorrow) == ([], [], [])
    assert [(f.finding.details["shift"], f.finding.details["on_now"]) for f in entry.findings] == [
        ("日班", True),
        ("夜班", False),
    ]


def test_ros_05_the_board_page_shows_the_findings_and_the_phones(company: dict) -> None:
    company["travel"].move_to(local(2026, 12, 6, 10))
    page = client_for(company["staff_a"]).get("/board/").content.decode()
    assert 'data-code="ROS-05.on_duty_named"' in page
    assert "12月6日日班（08:00–17:00，正在值班）值班人员缺1人" in page
    assert "12月6日夜班（17:30–08:00）值班人员缺1人" in page
    assert "board-empty" not in page


def test_ros_05_a_person_without_a_phone_is_flagged_unless_the_pack_shows_no_phones(company: dict) -> None:
    staff = company["staff_a"]
    staff.mobile, staff.office_phone = "", ""
    staff.save()
    entry = board_of(company, local(2026, 12, 3, 20))
    assert [f.code for f in entry.findings] == ["ROS-05.phones_shown"]
    assert entry.findings[0].detail("zh") == "值日牌市局：staff_a没有联系电话"
    live = Policy.objects.get(unit=company["org"])
    policy_services.policy_parameter_override(
        actor=None, policy=live, rule_id="ROS-05", parameter="show_phones", value=False
    )
    entry = board_of(company, local(2026, 12, 3, 20))
    assert entry.findings == []
    assert not entry.show_phones


def test_ros_05_show_phones_off_hides_the_phones_on_the_board(company: dict) -> None:
    company["travel"].move_to(local(2026, 12, 3, 20))
    client = client_for(company["staff_a"])
    assert company["staff_a"].mobile in client.get("/board/").content.decode()
    live = Policy.objects.get(unit=company["org"])
    policy_services.policy_parameter_override(
        actor=None, policy=live, rule_id="ROS-05", parameter="show_phones", value=False
    )
    page = client.get("/board/").content.decode()
    assert "staff_a" in page
    assert company["staff_a"].mobile not in page


def test_ros_05_board_queries_do_not_grow_with_the_assignments(company: dict) -> None:
    at = local(2026, 12, 4, 7)
    units = Unit.objects.filter(pk=company["org"].pk)
    with CaptureQueriesContext(connection) as small:
        selectors.board(units=units, at=at)
    for day in (dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 4)):
        services.roster_correct(
            actor=None, period=company["period"], day=day, shift_type=company["after_hours"], post="duty_officer",
            people=[company["staff_b"]], reason="补排",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as large:
        entry = selectors.board(units=units, at=at)[0]
    assert len(large) == len(small)
    assert entry.findings == []
