"""The roster in the browser: the scheduler generates a draft, sees a forbidden edit refused with its
citation, publishes, and the duty board shows who is on duty now (REQUIREMENTS ROS-01, ROS-03, ROS-04, ROS-05)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from zhiban.core import clock
from zhiban.org.models import PersonKind, Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.roster import services
from zhiban.roster.generation import jobs
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import Assignment, RosterPeriod

pytestmark = pytest.mark.browser

KEY = bytes(range(20))  # the scheduler's authenticator secret, known to the test
WEEK = (dt.date(2026, 12, 1), dt.date(2026, 12, 7))
DEC_3 = dt.date(2026, 12, 3)  # a Thursday: the bureau's 24-hour duty starts at 9:00


def local(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.local_tz())


def code_now() -> str:
    totp = TOTP(KEY)
    totp.time = time.time()  # the moved clock, as the server sees it
    return f"{totp.token():06d}"


def _person(name: str, unit: Any, role: str | None = None, mobile: str = "") -> Any:
    person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name), kind=PersonKind.STAFF)
    if mobile:
        person.mobile = mobile
        person.save(update_fields=["mobile"])
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


@pytest.fixture
def bureau(org_tree_bureau: dict[str, Any]) -> dict[str, Any]:
    """The `bureau` organisation with a scheduler (secretariat, TOTP set up), a leader on duty, a
    driver, its shift types and a week's period opened in November."""
    tree = dict(org_tree_bureau)
    org = tree["org"]
    tree["secretary"] = _person("secretary", org, Role.SECRETARIAT)
    TOTPDevice.objects.create(user=tree["secretary"].user, name="phone", key=KEY.hex(), confirmed=True)
    tree["leader"] = _person("leader", org, Role.DUTY_LEADER, mobile="13800000001")
    tree["driver"] = _person("driver", org, Role.STANDBY_DRIVER, mobile="13800000002")
    services.roster_setup_from_pack(actor=None, organisation=org)
    tree["period"] = services.period_open(actor=tree["secretary"].user, unit=org, start=WEEK[0], end=WEEK[1])
    return tree


def _log_in_with_code(tab: Any) -> None:
    tab.log_in("secretary")
    expect(tab.page).to_have_url(tab.url("/accounts/second-factor/"))
    tab.page.fill("input[name=code]", code_now())
    with tab.page.expect_navigation():
        tab.page.click("main form button[type=submit]")
    expect(tab.page).not_to_have_url(tab.url("/accounts/second-factor/"))


def test_ros_01_ros_03_ros_05_generate_refuse_publish_and_see_the_board(bureau: dict[str, Any], chromium: Any) -> None:
    period: RosterPeriod = bureau["period"]
    detail = f"/roster/{period.public_id}/"
    not_a_leader = bureau["staff_a"].public_id

    with time_machine.travel(local(2026, 11, 20, 10, 0), tick=True) as traveller:
        # 1. The scheduler starts a generation (the worker is not running: the job is run below).
        with chromium() as tab:
            _log_in_with_code(tab)
            tab.goto(detail)
            tab.page.click("#generate-link")
            expect(tab.page).to_have_url(tab.url(f"/roster/generate/{period.public_id}/"))
            with tab.page.expect_navigation():
                tab.page.click("#generation-start button[type=submit]")
            expect(tab.page.locator("#generation-panel")).to_be_visible()
        run = GenerationRun.objects.get(period=period)
        jobs.execute(run.pk)  # what the worker would do, synchronously
        run.refresh_from_db()
        assert run.status == GenerationRun.Status.DONE, run.error
        generated = Assignment.objects.filter(version__period=period).count()
        assert generated == 7 * 3  # a leader, an officer and a driver each day

        # 2. A forbidden edit, refused with its citation; 3. publish; 4. the board, a duty being "now".
        traveller.shift(dt.timedelta(seconds=60))  # a fresh TOTP code: the first one is spent
        with chromium() as tab:
            _log_in_with_code(tab)
            tab.goto(detail)
            row = tab.page.locator("#roster tbody tr").nth(2)  # 12月3日
            expect(row).to_contain_text("12月3日")
            row.locator("td").nth(2).locator("a.edit").click()  # the 带班领导 cell
            form = tab.page.locator("#cell-form")
            expect(form).to_contain_text("带班领导")
            form.locator("select[name=people]").select_option(value=[not_a_leader])
            form.locator("button[type=submit]").click()
            refusal = tab.page.locator("#cell-form .errorlist")
            expect(refusal).to_contain_text("ROS-01")
            expect(refusal).to_contain_text("P3 二.1、六.1")  # the clause of the bureau's regulation
            expect(refusal).to_contain_text("策略版本 1")
            expect(refusal).to_contain_text("staff_a不是带班领导")

            tab.goto(detail)
            with tab.page.expect_navigation():
                tab.page.click("#publish button[type=submit]")
            expect(tab.page.locator("#period-status")).to_have_text("已公布")

            traveller.move_to(local(2026, 12, 3, 10, 0))  # 13 days on: the session has expired
            tab.goto("/accounts/login/")
            _log_in_with_code(tab)
            tab.goto("/board/")
            now = tab.page.locator(".board-unit").first.locator("h3 + table.board-shift").first
            expect(now).to_contain_text("12月3日")
            expect(now).to_contain_text("leader 13800000001")
            expect(now).to_contain_text("driver 13800000002")
            assert tab.csp_violations == []

    period.refresh_from_db()
    assert period.status == RosterPeriod.Status.PUBLISHED
    version = period.published_version
    assert version is not None
    assert version.number == 1
    assert version.late is False
    leader_cell = Assignment.objects.get(version=version, date=DEC_3, post="duty_leader")
    assert leader_cell.person == bureau["leader"]  # the refused edit changed nothing
    assert Assignment.objects.filter(version=version).count() == generated
