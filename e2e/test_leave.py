"""Leave in the browser: a person of a maintenance station files leave that hits their published weekend
duty, picks the substitute from the ranked candidates, the station head and then the managing
department's manager approve (two levels, LEAVE-03 of the `maintenance` pack), and the duty board shows
the substitute on that duty (REQUIREMENTS LEAVE-03, LEAVE-06, SUB-01, SUB-02)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from zhiban.approvals import selectors as approval_selectors
from zhiban.core import clock
from zhiban.leave.models import LeaveCover, LeaveRequest
from zhiban.org.models import PersonKind, Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.policy.services import policy_adopt
from zhiban.roster import duties as roster_duties
from zhiban.roster import services as roster_services
from zhiban.roster.models import Assignment, RosterPeriod

pytestmark = pytest.mark.browser

FIRST, LAST = dt.date(2026, 12, 1), dt.date(2026, 12, 14)
DEC_12 = dt.date(2026, 12, 12)  # a Saturday: the rest-day duty runs 8:30 to 8:30 the next morning


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.local_tz())


def _person(name: str, username: str, unit: Any, role: str | None = None, mobile: str = "") -> Any:
    person = PersonFactory.create(
        name=name, unit=unit, user=UserFactory.create(username=username), kind=PersonKind.STAFF
    )
    if mobile:
        person.mobile = mobile
        person.save(update_fields=["mobile"])
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


@pytest.fixture
def station(org_tree: dict[str, Any]) -> Any:
    """`org_tree` under the `maintenance` pack: station 一站 of department 办公室 with its head, two
    officers, and 办公室's roster for 1–14 December published on 20 November (with the clock there)."""
    with time_machine.travel(local(2026, 11, 20, 9), tick=False):
        tree = dict(org_tree)
        org, dept, station_unit = tree["org"], tree["dept_a"], tree["station_a"]
        policy_adopt(actor=None, organisation=org, pack_id="maintenance")
        tree["zhang"] = _person("张伟", "zhangwei", station_unit, mobile="13900000001")
        tree["li"] = _person("李娜", "lina", station_unit, mobile="13900000002")
        tree["chief"] = _person("王站长", "wangzz", station_unit, Role.STATION_HEAD)
        shifts = {s.code: s for s in roster_services.roster_setup_from_pack(actor=None, organisation=org)}
        scheduler = tree["head_a"].user  # the department compiles its roster (maintenance ROS-03)
        period = roster_services.period_open(actor=scheduler, unit=dept, start=FIRST, end=LAST)
        rest_day = shifts["rest_day"]
        # Earlier weekend duties give head_a and staff_a year-to-date points: they rank below 李娜.
        for day, person in ((dt.date(2026, 12, 5), tree["staff_a"]), (dt.date(2026, 12, 6), tree["head_a"])):
            roster_services.assignment_set(
                actor=scheduler, period=period, day=day, shift_type=rest_day, post="duty_officer", people=[person]
            )
        roster_services.assignment_set(
            actor=scheduler, period=period, day=DEC_12, shift_type=rest_day, post="duty_officer", people=[tree["zhang"]]
        )
        roster_services.period_publish(actor=scheduler, period=period)
        period.refresh_from_db()
        tree["period"], tree["rest_day"] = period, rest_day
        tree["ranked"] = [
            c.person.name
            for c in roster_duties.cover_candidates(
                period=period, day=DEC_12, shift_type=rest_day, post="duty_officer", replacing=tree["zhang"]
            )
        ]
    return tree


def test_leave_03_two_levels_with_a_substitute_from_the_ranked_list_then_the_board_shows_them(
    station: dict[str, Any], chromium: Any, chinese: Any
) -> None:
    ranked = station["ranked"]
    assert ranked[0] == "李娜", ranked  # fewest points, same department
    assert "张伟" not in ranked
    approve = chinese("Approve")
    choose = chinese("Choose")
    approved = chinese("approved")
    waiting = chinese("waiting for approval")

    with time_machine.travel(local(2026, 11, 20, 10), tick=True) as traveller:
        # 1. 张伟 files personal leave over his Saturday duty and picks the top-ranked substitute.
        with chromium() as tab:
            tab.log_in("zhangwei")
            tab.goto("/leave/new/")
            form = tab.page.locator("#leave-form")
            form.locator("select[name=kind]").select_option(value="personal")
            form.locator("input[name=starts_at]").fill("2026-12-12T08:00")
            form.locator("input[name=ends_at]").fill("2026-12-13T09:00")
            form.locator("input[name=reason]").fill("家中老人住院")
            with tab.page.expect_navigation():
                form.locator("button[type=submit]").click()
            expect(tab.page).to_have_url(re.compile(re.escape(tab.url("/leave/lve")) + r"[^/]+/$"))
            expect(tab.page.locator("#leave-status")).to_contain_text(waiting)
            chain = tab.page.locator("#leave-chain li")
            expect(chain).to_have_count(2)
            expect(chain.nth(0)).to_contain_text("站长审批")
            expect(chain.nth(1)).to_contain_text("分管部门经理同意")

            duties = tab.page.locator("#leave-duties tbody tr")
            expect(duties).to_have_count(1)
            expect(duties.first).to_contain_text("2026-12-12")
            candidates = duties.first.locator("ol.cover-candidates > li")
            expect(candidates).to_have_count(len(ranked))
            for index, name in enumerate(ranked):
                expect(candidates.nth(index)).to_contain_text(name)
            expect(candidates.first).to_contain_text("同部门")
            with tab.page.expect_navigation():
                candidates.first.get_by_role("button", name=choose, exact=True).click()
            expect(tab.page.locator("#leave-covers")).to_contain_text("李娜")
            expect(tab.page.locator("#leave-duties tbody tr").first.locator("td").nth(1)).to_have_text("李娜")
            detail = tab.page.url.removeprefix(tab.base_url)
            assert tab.csp_violations == []

        # 2. The station head finds it in the inbox and approves the first level.
        with chromium() as tab:
            tab.log_in("wangzz")
            tab.goto("/approvals/")
            row = tab.page.locator("table tbody tr").filter(has_text="张伟")
            expect(row).to_contain_text("站长审批")
            with tab.page.expect_navigation():
                row.locator("a").first.click()
            expect(tab.page).to_have_url(tab.url(detail))
            with tab.page.expect_navigation():
                tab.page.locator("#leave-decide").get_by_role("button", name=approve, exact=True).click()
            expect(tab.page.locator("#leave-status")).to_contain_text(waiting)
            expect(tab.page.locator("#leave-chain li").nth(0)).to_contain_text(approved)
            expect(tab.page.locator("#leave-decide")).to_have_count(0)  # nothing more waits on him

        # 3. The department's manager gives the consent: the leave takes effect and the duty moves.
        with chromium() as tab:
            tab.log_in("head_a")
            tab.goto(detail)
            with tab.page.expect_navigation():
                tab.page.locator("#leave-decide").get_by_role("button", name=approve, exact=True).click()
            expect(tab.page.locator("#leave-status")).to_contain_text(approved)
            expect(tab.page.locator("#leave-covers")).to_contain_text("李娜顶替张伟")

        # 4. On the Saturday, the board shows 李娜 on duty, not 张伟.
        traveller.move_to(local(2026, 12, 12, 10))
        with chromium() as tab:
            tab.log_in("lina")
            tab.goto("/board/")
            unit = tab.page.locator(".board-unit").filter(has_text="办公室")
            now = unit.locator("h3 + table.board-shift").first
            expect(now).to_contain_text("12月12日")
            expect(now).to_contain_text("李娜 13900000002")
            expect(now).not_to_contain_text("张伟")
            assert tab.csp_violations == []

    leave = LeaveRequest.objects.get(person=station["zhang"])
    assert leave.status == "approved"
    assert [s.status for s in approval_selectors.steps_of("leave", leave.pk)] == ["approved", "approved"]
    cover = LeaveCover.objects.get(leave=leave)
    assert cover.substitute == station["li"]
    period: RosterPeriod = station["period"]
    period.refresh_from_db()
    assert period.published_version is not None
    assert period.published_version.number == 2
    (cell,) = Assignment.objects.filter(version=period.published_version, date=DEC_12, post="duty_officer")
    assert cell.person == station["li"]
