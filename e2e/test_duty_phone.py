"""A day on duty on a phone (issue 12), on a 390 × 844 screen that never scrolls sideways: the officer opens 我的值班 at
the start of the shift and checks in (OPS-01), logs a phone call (OPS-03) and raises a major incident; it is not
reported upward within the hour, so the worker freezes the escalation chain and pages the leader on duty, who
acknowledges it (OPS-04); next morning the officer fills the checklist (OPS-12) and writes the handover, the incoming
officer checks in on the next shift and accepts it, and the duty is closed (OPS-06).

The clock is travelled, never slept on: the live server runs in this process, so it sees the moved clock too. Each
person uses their own browser, opened after the ORM work of the step before (see e2e/conftest.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from zhiban.core import clock
from zhiban.core.dates import month_day_time
from zhiban.core.worker import Worker
from zhiban.duty import shifts
from zhiban.duty.models import Attendance, Checklist, DutyShift, Handover, Incident, LogEntry
from zhiban.duty.policy import params as rule_params
from zhiban.notify.models import Notification
from zhiban.org.models import PersonKind, Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.policy.rules import ops_12
from zhiban.roster import services as roster_services
from zhiban.roster.tests.conftest import fill_day

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DEC_7 = dt.date(2026, 12, 7)  # a Monday: the bureau's 24-hour duty runs from 9:00 to 9:00 the next morning
DEC_8 = DEC_7 + dt.timedelta(days=1)
CALL = {
    "caller_unit": "市应急管理局",
    "caller_name": "王科长",
    "phone": "0571-87000000",
    "content": "询问今晚防寒保暖工作安排",
    "handling": "已转告带班领导，明早回复",
}
INCIDENT = "城东化工厂火情"

# How far the page is wider than the screen, and the widest elements that stick out (for the failure message).
OVERFLOW = """async () => {
  await document.fonts.ready;
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + el.className : ""}`)
    .slice(0, 8);
  return {scroll: root.scrollWidth - width, wide};
}"""


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.local_tz())


def _person(name: str, unit: Any, role: str | None = None, mobile: str = "") -> Any:
    person = PersonFactory.create(
        name=name, unit=unit, user=UserFactory.create(username=name), kind=PersonKind.STAFF, mobile=mobile
    )
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


def _phone(tab: Any) -> None:
    tab.page.set_viewport_size(PHONE)


def _no_sideways_scroll(tab: Any) -> None:
    overflow = tab.page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= 0, f"{tab.page.url} scrolls sideways by {overflow['scroll']}px: {overflow['wide']}"


def _submit(tab: Any, button: Any) -> None:
    with tab.page.expect_navigation():
        button.click()


def run_worker() -> int:
    """Fire everything due now, as the worker would (between browser sessions: the ORM needs no event loop)."""
    return Worker(name="e2e", poll_seconds=0).run_once()


@pytest.fixture
def bureau(org_tree_bureau: dict[str, Any]) -> dict[str, Any]:
    """The `bureau` organisation's December roster, published in November: staff_a on duty on the 7th, a colleague
    on the 8th (the incoming shift), the leader on duty and the driver on both days; both shifts prepared."""
    with time_machine.travel(local(2026, 11, 20, 10), tick=False):
        tree = dict(org_tree_bureau)
        org = tree["org"]
        tree["secretary"] = _person("secretary", org, Role.SECRETARIAT)
        tree["leader"] = _person("leader", org, Role.DUTY_LEADER, mobile="13800000001")
        tree["driver"] = _person("driver", org, Role.STANDBY_DRIVER, mobile="13800000002")
        tree["colleague"] = _person("colleague", tree["station_a"], mobile="13800000003")
        tree["duty"] = roster_services.roster_setup_from_pack(actor=None, organisation=org)[0]
        period = roster_services.period_open(
            actor=tree["secretary"].user, unit=org, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31)
        )
        fill_day(tree, period, DEC_7)
        fill_day(tree, period, DEC_8, officer=tree["colleague"])
        roster_services.period_publish(actor=tree["secretary"].user, period=period)
        shifts.prepare(DEC_7, DEC_8)
    tree["shift"] = DutyShift.objects.get(unit=org, date=DEC_7)
    tree["next_shift"] = DutyShift.objects.get(unit=org, date=DEC_8)
    return tree


def test_a_duty_on_a_phone_check_in_log_escalate_acknowledge_hand_over_close(
    bureau: dict[str, Any], chromium: Any, chinese: Any
) -> None:
    shift: DutyShift = bureau["shift"]
    next_shift: DutyShift = bureau["next_shift"]
    assert clock.local(shift.starts_at) == local(2026, 12, 7, 9)
    shift_page = f"/duty/shifts/{shift.public_id}/"
    next_page = f"/duty/shifts/{next_shift.public_id}/"
    items = ops_12.items(rule_params(shift.unit, ops_12.RULE_ID) or {})
    assert items == ("通讯设备正常", "值班室设施完好")
    labels = {
        msgid: chinese(msgid)
        for msgid in (
            "Check in",
            "Checked in.",
            "Save",
            "Logged.",
            "Raise",
            "report upward by %(at)s",
            "Report upward by %(at)s.",
            "The incident is logged; its clock runs.",
            "escalating",
            "Escalation",
            "Acknowledge",
            "Acknowledged",
            "Overdue: not yet reported upward.",
            "Duty checklist",
            "normal",
            "Save the checklist",
            "Checklist saved.",
            "Write the handover",
            "Handover written; the incoming officer is asked to accept it.",
            "Accept the handover",
            "Handover accepted.",
            "Close the duty",
            "The duty is closed.",
            "not started",
            "on duty",
            "closed",
        )
    }

    with time_machine.travel(shift.starts_at - dt.timedelta(minutes=5), tick=True) as traveller:
        # 1. staff_a opens 我的值班 at the start of the shift: it opens the shift itself; he checks in.
        with chromium() as tab:
            _phone(tab)
            page = tab.page
            tab.log_in("staff_a")
            tab.goto("/duty/")
            expect(page).to_have_url(tab.url(shift_page))
            expect(page.locator("#shift-status")).to_have_text(labels["not started"])
            expect(page.locator("#check-in")).to_contain_text("leader")
            _no_sideways_scroll(tab)
            _submit(tab, page.get_by_role("button", name=labels["Check in"], exact=True))
            expect(page.locator(".messages")).to_contain_text(labels["Checked in."])
            expect(page.locator("#shift-status")).to_have_text(labels["on duty"])
            expect(page.get_by_role("button", name=labels["Check in"], exact=True)).to_have_count(0)
            expect(page.locator("#check-in .crew")).to_contain_text("staff_a")
            expect(page.locator("#check-in .crew .ok")).to_have_count(1)

            # 2. A phone call, logged with its five fields, is at the top of the log.
            call = page.locator("#log-form form[data-kind=call]")
            expect(call).to_be_visible()
            for name, value in CALL.items():
                call.locator(f"[name=call-{name}]").fill(value)
            _submit(tab, call.get_by_role("button", name=labels["Save"], exact=True))
            expect(page.locator(".messages")).to_contain_text(labels["Logged."])
            logged = page.locator("#log .entries li").first
            expect(logged).to_contain_text("来电")
            for value in CALL.values():
                expect(logged).to_contain_text(value)
            expect(logged).to_contain_text("staff_a")
            _no_sideways_scroll(tab)

            # 3. A major incident: its one-hour clock starts.
            form = page.locator("#incident-form form")
            form.locator("[name=title]").fill(INCIDENT)
            form.locator("select[name=level]").select_option("重大")
            form.locator("[name=place]").fill("城东工业园")
            form.locator("[name=description]").fill("厂区仓库冒烟，消防已出动")
            _submit(tab, form.get_by_role("button", name=labels["Raise"], exact=True))
            expect(page.locator(".messages")).to_contain_text(labels["The incident is logged; its clock runs."])
            raised = page.locator("#incidents .entries li").filter(has_text=INCIDENT)
            expect(raised).to_contain_text("重大")
            expect(raised).to_contain_text(re.compile(labels["report upward by %(at)s"] % {"at": r"\d\d:\d\d"}))
            _no_sideways_scroll(tab)
            assert tab.csp_violations == []

        incident = Incident.objects.get(shift=shift)
        assert incident.level == "重大"
        assert incident.report_due_at == incident.raised_at + dt.timedelta(hours=1)
        entry = LogEntry.objects.get(shift=shift)
        assert (entry.kind, entry.fields, entry.recorded_by) == ("call", CALL, bureau["staff_a"].user)

        # 4. Not reported upward within the hour: the worker freezes the chain and pages the leader on duty.
        traveller.move_to(incident.raised_at + dt.timedelta(minutes=61))
        run_worker()
        incident.refresh_from_db()
        assert incident.report == Incident.Report.MISSED
        assert incident.escalation_started_at is not None
        assert [p["name"] for p in incident.escalation[0]["people"]] == ["leader"]
        paged = Notification.objects.filter(recipient=bureau["leader"].user, subject__startswith="【升级】")
        assert paged.count() == 1

        with chromium() as tab:
            _phone(tab)
            page = tab.page
            tab.log_in("leader")
            tab.goto("/inbox/")
            notice = page.locator("#inbox-list tr").filter(has_text="【升级】")
            expect(notice).to_have_count(1)
            expect(notice).to_contain_text(INCIDENT)
            _no_sideways_scroll(tab)
            with page.expect_navigation():
                notice.get_by_role("link").click()
            expect(page).to_have_url(tab.url(f"/duty/incidents/{incident.public_id}/"))
            due = labels["Report upward by %(at)s."] % {"at": month_day_time(incident.report_due_at)}
            expect(page.locator("#clock")).to_contain_text(due)
            expect(page.locator("#overdue")).to_have_text(labels["Overdue: not yet reported upward."])
            expect(page.locator("#clock h3")).to_have_text(labels["Escalation"])
            expect(page.locator("#escalation li").first).to_contain_text("leader 13800000001")
            _no_sideways_scroll(tab)
            _submit(tab, page.get_by_role("button", name=labels["Acknowledge"], exact=True))
            expect(page.locator("#acknowledged")).to_contain_text(labels["Acknowledged"])
            expect(page.get_by_role("button", name=labels["Acknowledge"], exact=True)).to_have_count(0)
            expect(page.locator("#timeline")).to_contain_text("leader已确认收到")
            _no_sideways_scroll(tab)
            # Back on the shift, the leader's page (with its spot-check forms) fits the phone too.
            with page.expect_navigation():
                page.locator(f"a[href='{shift_page}']").click()
            line = page.locator("#incidents .entries li").filter(has_text=INCIDENT)
            expect(line).to_contain_text(labels["Acknowledged"])
            expect(page.locator("#supervise")).to_be_visible()
            _no_sideways_scroll(tab)
            assert tab.csp_violations == []

        incident.refresh_from_db()
        assert incident.acknowledged_by == bureau["leader"].user

        # 5. Next morning: the checklist and the handover, written by staff_a before the incoming officer arrives.
        traveller.move_to(local(2026, 12, 8, 8, 0))
        with chromium() as tab:
            _phone(tab)
            page = tab.page
            tab.log_in("staff_a")
            tab.goto("/duty/")
            expect(page).to_have_url(tab.url(shift_page))
            line = page.locator("#incidents .entries li").filter(has_text=INCIDENT)
            expect(line).to_contain_text(labels["Overdue: not yet reported upward."])
            expect(line).to_contain_text(labels["Acknowledged"])
            expect(line).not_to_contain_text(labels["escalating"])
            checklist = page.locator("#checklist")
            expect(checklist.locator("h2")).to_have_text(labels["Duty checklist"])
            for item in items:
                checklist.locator("fieldset").filter(has_text=item).get_by_label(labels["normal"]).check()
            _submit(tab, checklist.get_by_role("button", name=labels["Save the checklist"], exact=True))
            expect(page.locator(".messages")).to_contain_text(labels["Checklist saved."])

            handover = page.locator("#handover form").filter(has=page.locator("[name=equipment]"))
            handover.locator("[name=equipment]").fill("通讯设备、传真机运行正常")
            handover.locator("[name=open_issues]").fill("城东化工厂火情后续情况待报")
            handover.locator("[name=staffing]").fill("无")
            _submit(tab, handover.get_by_role("button", name=labels["Write the handover"], exact=True))
            expect(page.locator(".messages")).to_contain_text(
                labels["Handover written; the incoming officer is asked to accept it."]
            )
            _no_sideways_scroll(tab)

        # The incoming officer checks in on the next shift and accepts the handover.
        with chromium() as tab:
            _phone(tab)
            page = tab.page
            tab.log_in("colleague")
            tab.goto("/duty/")
            expect(page).to_have_url(tab.url(next_page))
            _submit(tab, page.get_by_role("button", name=labels["Check in"], exact=True))
            expect(page.locator("#shift-status")).to_have_text(labels["on duty"])
            received = page.locator("#received-handover")
            expect(received).to_contain_text("通讯设备、传真机运行正常")
            expect(received).to_contain_text("城东化工厂火情后续情况待报")
            _submit(tab, received.get_by_role("button", name=labels["Accept the handover"], exact=True))
            expect(page.locator(".messages")).to_contain_text(labels["Handover accepted."])
            expect(received.locator(".ok")).to_be_visible()
            _no_sideways_scroll(tab)

        # staff_a closes the duty.
        traveller.move_to(local(2026, 12, 8, 9, 0))
        with chromium() as tab:
            _phone(tab)
            page = tab.page
            tab.log_in("staff_a")
            tab.goto(shift_page)
            expect(page.locator("#handover .ok")).to_be_visible()  # accepted by the incoming officer
            _submit(tab, page.get_by_role("button", name=labels["Close the duty"], exact=True))
            expect(page.locator(".messages")).to_contain_text(labels["The duty is closed."])
            expect(page.locator("#shift-status")).to_have_text(labels["closed"])
            expect(page.locator("#log-form")).to_have_count(0)
            expect(page.locator("#checklist li")).to_have_count(len(items))
            for item in items:
                expect(page.locator("#checklist li").filter(has_text=item)).to_contain_text(labels["normal"])
            expect(page.locator("#handover-status")).to_contain_text("colleague")
            expect(page.locator("#handover")).to_contain_text("城东化工厂火情后续情况待报")
            expect(page.get_by_role("button", name=labels["Close the duty"], exact=True)).to_have_count(0)
            _no_sideways_scroll(tab)
            assert tab.csp_violations == []

    shift.refresh_from_db()
    assert shift.status == DutyShift.Status.CLOSED
    assert shift.closed_by == bureau["staff_a"].user
    checklist_row = Checklist.objects.get(shift=shift)
    assert checklist_row.answers == dict.fromkeys(items, True)
    handover_row = Handover.objects.get(shift=shift)
    assert handover_row.incoming == next_shift
    assert handover_row.accepted_by == bureau["colleague"].user
    assert handover_row.open_issues == ["城东化工厂火情后续情况待报"]
    officer = Attendance.objects.get(shift=shift, person=bureau["staff_a"])
    assert officer.late_minutes == 0
    assert officer.checked_out_at == shift.closed_at
    assert Attendance.objects.get(shift=next_shift, person=bureau["colleague"]).checked_in_at is not None
