"""Roster pages, the duty board and the kiosk: who sees and changes what, and constant query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.org.models import RoleAssignment
from zhiban.roster import services
from zhiban.roster.models import Assignment, KioskToken, RosterPeriod, RosterVersion
from zhiban.roster.tests.conftest import DECEMBER, fill_day, local

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)


@pytest.fixture
def dept_period(roster_org: dict[str, Any]) -> RosterPeriod:
    """dept_a's December roster, published with 3 December filled."""
    period = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, period, DEC_3)
    services.period_publish(actor=None, period=period)
    period.refresh_from_db()
    return period


@pytest.fixture
def draft_period(roster_org: dict[str, Any]) -> RosterPeriod:
    """dept_a's January roster, a draft naming head_a."""
    period = services.period_open(
        actor=None, unit=roster_org["dept_a"], start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31)
    )
    services.assignment_set(
        actor=None,
        period=period,
        day=dt.date(2027, 1, 4),
        shift_type=roster_org["duty"],
        post="duty_officer",
        people=[roster_org["head_a"]],
    )
    return period


def _pages(period: RosterPeriod, shift: Any) -> list[str]:
    base = f"/roster/{period.public_id}/"
    return [
        base,
        f"{base}cell/?date=2026-12-03&shift={shift.public_id}&post=duty_officer",
        f"{base}versions/",
        f"{base}diff/?a=1&b=1",
    ]


def _state() -> tuple[int, int, list[int]]:
    return (
        Assignment.objects.count(),
        RosterVersion.objects.count(),
        list(RosterPeriod.objects.order_by("pk").values_list("published_version__number", flat=True)),
    )


# ------------------------------------------------------------------------------------ authorization


def test_anonymous_is_sent_to_login_and_changes_nothing(roster_org: dict[str, Any], dept_period: RosterPeriod) -> None:
    client = Client()
    before = _state()
    for path in ["/roster/", "/board/", "/roster/kiosk-tokens/", *_pages(dept_period, roster_org["duty"])]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/accounts/login/" in response["Location"]
    assert client.post(f"/roster/{dept_period.public_id}/publish/").status_code == 302
    assert client.post("/roster/", {"unit": roster_org["org"].public_id, "start": "2027-02-01"}).status_code == 302
    assert _state() == before


def test_other_department_head_sees_nothing_and_changes_nothing(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    client = client_for(roster_org["head_b"])
    before = _state()
    assert dept_period.public_id not in client.get("/roster/").content.decode()
    for path in _pages(dept_period, roster_org["duty"]):
        assert client.get(path).status_code == 404, path
    cell = _pages(dept_period, roster_org["duty"])[1]
    assert client.post(cell, {"people": [roster_org["head_b"].public_id], "reason": "x"}).status_code == 404
    assert client.post(f"/roster/{dept_period.public_id}/publish/").status_code == 404
    assert "staff_a" not in client.get("/board/").content.decode()
    assert _state() == before


def test_unprivileged_sees_the_published_roster_but_cannot_edit(
    roster_org: dict[str, Any], dept_period: RosterPeriod, draft_period: RosterPeriod
) -> None:
    client = client_for(roster_org["staff_a"])
    before = _state()
    page = client.get(f"/roster/{dept_period.public_id}/").content.decode()
    assert "leader" in page
    assert 'id="publish"' not in page
    assert "✎" not in page
    assert "head_a" not in client.get(f"/roster/{draft_period.public_id}/").content.decode()  # the draft is hidden
    cell = _pages(dept_period, roster_org["duty"])[1]
    assert client.get(cell).status_code == 404
    assert client.post(cell, {"people": [roster_org["staff_a"].public_id], "reason": "x"}).status_code == 404
    assert client.post(f"/roster/{draft_period.public_id}/publish/").status_code == 404
    assert client.get("/roster/kiosk-tokens/").status_code == 404
    assert client.post("/roster/", {"unit": roster_org["dept_a"].public_id, "start": "2027-02-01"}).status_code == 403
    assert _state() == before


# ------------------------------------------------------------------------------------ scheduler workflow


def test_secretary_edits_a_cell_publishes_corrects_and_sees_the_diff(roster_org: dict[str, Any]) -> None:
    client = verified_client(roster_org["secretary"].user)
    response = client.post(
        "/roster/", {"unit": roster_org["org"].public_id, "start": "2026-12-01", "end": "2026-12-31"}
    )
    period = RosterPeriod.objects.get()
    assert response.status_code == 302
    cell = f"/roster/{period.public_id}/cell/"
    args = {"date": "2026-12-03", "shift": roster_org["duty"].public_id, "post": "duty_officer"}
    form = client.get(cell, args, headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert 'id="cell-form"' in form.content.decode()
    refused = client.post(cell, {**args, "people": [roster_org["guard"].public_id]})
    assert refused.status_code == 422
    assert "ORG-03" in refused.content.decode()
    assert not Assignment.objects.exists()
    saved = client.post(cell, {**args, "people": [roster_org["staff_a"].public_id]}, headers={"HX-Request": "true"})
    assert saved.status_code == 204
    assert saved["HX-Redirect"] == f"/roster/{period.public_id}/"
    page = client.get(f"/roster/{period.public_id}/").content.decode()
    assert "staff_a" in page
    assert "日期" in page
    assert "带班领导" in page
    assert client.post(f"/roster/{period.public_id}/publish/").status_code == 302
    period.refresh_from_db()
    assert period.published_version is not None
    assert period.published_version.number == 1
    no_reason = client.post(cell, {**args, "people": [roster_org["head_a"].public_id]})
    assert no_reason.status_code == 422
    client.post(cell, {**args, "people": [roster_org["head_a"].public_id], "reason": "sick"})
    period.refresh_from_db()
    assert period.published_version.number == 2
    diff = client.get(f"/roster/{period.public_id}/diff/", {"a": 1, "b": 2}).content.decode()
    assert "staff_a" in diff
    assert "head_a" in diff
    versions = client.get(f"/roster/{period.public_id}/versions/").content.decode()
    assert "sick" in versions
    assert 'id="compare"' in versions


# ------------------------------------------------------------------------------------ board and kiosk


def test_ros_05_board_shows_now_today_and_tomorrow_with_phones(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    roster_org["travel"].move_to(local(2026, 12, 3, 10))
    client = client_for(roster_org["staff_a"])
    page = client.get("/board/").content.decode()
    assert "leader" in page
    assert roster_org["leader"].mobile in page
    assert "driver" in page
    assert 'hx-trigger="every 60s"' in page
    assert "board-empty" not in page
    partial = client.get("/board/", headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="board"')


def test_ros_05_board_from_published_versions_only(roster_org: dict[str, Any], draft_period: RosterPeriod) -> None:
    roster_org["travel"].move_to(local(2027, 1, 4, 10))
    page = client_for(roster_org["staff_a"]).get("/board/").content.decode()
    assert "head_a" not in page
    assert "board-empty" in page


def test_ros_05_board_hides_other_departments(roster_org: dict[str, Any], dept_period: RosterPeriod) -> None:
    roster_org["travel"].move_to(local(2026, 12, 3, 10))
    page = client_for(roster_org["staff_b"]).get("/board/").content.decode()
    assert roster_org["leader"].mobile not in page


def test_ros_05_kiosk_token_opens_its_unit_board_without_a_session(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    roster_org["travel"].move_to(local(2026, 12, 3, 10))
    token, secret = services.kiosk_token_create(actor=None, unit=roster_org["dept_a"], label="大厅")
    page = Client().get(f"/kiosk/{secret}/")
    assert page.status_code == 200
    assert roster_org["leader"].mobile in page.content.decode()
    services.kiosk_token_revoke(actor=None, token=token)
    assert Client().get(f"/kiosk/{secret}/").status_code == 404


@pytest.mark.parametrize("secret", ["wrong", "x" * 300])
def test_ros_05_kiosk_wrong_token_is_404(roster_org: dict[str, Any], dept_period: RosterPeriod, secret: str) -> None:
    assert Client().get(f"/kiosk/{secret}/").status_code == 404


def test_ros_05_kiosk_token_of_another_unit_shows_nothing_of_this_one(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    roster_org["travel"].move_to(local(2026, 12, 3, 10))
    _, secret = services.kiosk_token_create(actor=None, unit=roster_org["dept_b"], label="二楼")
    page = Client().get(f"/kiosk/{secret}/").content.decode()
    assert roster_org["leader"].mobile not in page
    assert "board-empty" in page


def test_kiosk_token_page_makes_and_revokes(roster_org: dict[str, Any]) -> None:
    client = verified_client(roster_org["secretary"].user)
    page = client.post("/roster/kiosk-tokens/", {"unit": roster_org["org"].public_id, "label": "大厅"})
    assert "/kiosk/" in page.content.decode()
    token = KioskToken.objects.get()
    assert client_for(roster_org["head_b"]).post(f"/roster/kiosk-tokens/{token.public_id}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.post(f"/roster/kiosk-tokens/{token.public_id}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


# ------------------------------------------------------------------------------------ query counts


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_board_and_period_page_queries_do_not_grow_with_assignments(roster_org: dict[str, Any]) -> None:
    period = services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, period, dt.date(2026, 12, 3))
    services.period_publish(actor=None, period=period)
    roster_org["travel"].move_to(local(2026, 12, 3, 10))
    client = verified_client(roster_org["secretary"].user)
    path = f"/roster/{period.public_id}/"
    client.get(path)  # the session's first view records when it was seen; the views measured below do not
    small_board, small_page = _queries(client, "/board/"), _queries(client, path)
    for day in (2, 4):
        services.roster_correct(
            actor=None,
            period=period,
            day=dt.date(2026, 12, day),
            shift_type=roster_org["duty"],
            post="duty_officer",
            people=[roster_org["staff_b"]],
            reason="more",
        )
    assert Assignment.objects.filter(version=RosterPeriod.objects.get().published_version).count() == 5
    assert _queries(client, "/board/") == small_board
    assert _queries(client, path) == small_page


def test_refused_cell_edit_over_htmx_shows_the_rule_in_the_form(roster_org: dict[str, Any]) -> None:
    period = services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1])
    client = verified_client(roster_org["secretary"].user)
    args = {"date": "2026-12-03", "shift": roster_org["duty"].public_id, "post": "duty_leader"}
    response = client.post(
        f"/roster/{period.public_id}/cell/",
        {**args, "people": [roster_org["staff_a"].public_id]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # htmx swaps it into the editor
    assert "ROS-01" in response.content.decode()
    assert not Assignment.objects.exists()


def test_period_table_marks_holidays_and_make_up_workdays(roster_org: dict[str, Any]) -> None:
    from zhiban.calendar.models import CalendarDay
    from zhiban.core import clock

    for day, kind, name, working in [
        (dt.date(2026, 12, 5), "makeup_workday", "", True),
        (dt.date(2026, 12, 7), "statutory_holiday", "测试节", False),
    ]:
        CalendarDay.objects.create(
            date=day,
            kind=kind,
            holiday_name=name,
            is_working_day=working,
            source="manual_correction",
            updated_at=clock.now(),
        )
    period = services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1])
    page = verified_client(roster_org["secretary"].user).get(f"/roster/{period.public_id}/").content.decode()
    saturday = page.split('id="row-20261205-duty"')[1].split("</tr>")[0]
    monday = page.split('id="row-20261207-duty"')[1].split("</tr>")[0]
    assert "班" in saturday
    assert "休" in monday
    assert "测试节" in monday
    assert "星期一" in monday


def test_ros_01_unfilled_posts_are_counted_on_the_period_page_and_flagged_on_the_board(
    roster_org: dict[str, Any],
) -> None:
    period = services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=dt.date(2026, 12, 2))
    services.assignment_set(
        actor=None,
        period=period,
        day=dt.date(2026, 12, 1),
        shift_type=roster_org["duty"],
        post="duty_officer",
        people=[roster_org["staff_a"]],
    )
    client = verified_client(roster_org["secretary"].user)
    page = client.get(f"/roster/{period.public_id}/").content.decode()
    assert 'id="gaps"' in page
    assert "有5个岗位空缺" in page  # 2 days x 3 places, 1 filled
    services.period_publish(actor=None, period=period)
    roster_org["travel"].move_to(local(2026, 12, 1, 10))
    board = client_for(roster_org["staff_a"]).get("/board/").content.decode()
    assert "staff_a" in board
    assert board.count("空缺") == 4  # no leader, no driver: under "now" and under "today"


@pytest.mark.parametrize("who", [None, "staff_a", "head_b", "head_a"])
def test_setup_from_pack_refused_to_all_but_the_secretariat(roster_org: dict[str, Any], who: str | None) -> None:
    from zhiban.core.models import AuditEvent

    client = client_for(roster_org[who]) if who else Client()
    before = AuditEvent.objects.count()
    response = client.post(f"/roster/setup/{roster_org['org'].public_id}/")
    assert response.status_code == (302 if who is None else 404)
    assert AuditEvent.objects.count() == before
    assert "/roster/setup/" not in client.get("/roster/").content.decode()


def test_secretary_sets_up_shift_types_from_the_page(roster_org: dict[str, Any]) -> None:
    from zhiban.core.models import AuditEvent

    client = verified_client(roster_org["secretary"].user)
    assert f"/roster/setup/{roster_org['org'].public_id}/" in client.get("/roster/").content.decode()
    before = AuditEvent.objects.count()
    assert client.post(f"/roster/setup/{roster_org['org'].public_id}/").status_code == 302
    assert AuditEvent.objects.filter(action="roster.shift_types.setup").count() == 2  # the fixture's and this one
    assert AuditEvent.objects.count() == before + 1


def test_cal_03_period_table_shows_the_winter_times_in_december(org_tree: dict[str, Any]) -> None:
    from zhiban.policy.services import policy_adopt

    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="bureau-shifts")
    services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])
    period = services.period_open(actor=None, unit=org_tree["org"], start=DECEMBER[0], end=DECEMBER[1])
    page = client_for(org_tree["staff_a"]).get(f"/roster/{period.public_id}/").content.decode()
    saturday_night = page.split('id="row-20261205-night"')[1].split("</tr>")[0]
    assert "19:00–08:00" in saturday_night  # winter; summer would be 20:00


def _on_duty_now(page: str) -> str:
    """The board's "on duty now" section (before the "today" heading)."""
    return page.split("<h3>")[1]


def test_ros_05_on_duty_now_from_the_shift_start_and_not_a_minute_before(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    roster_org["travel"].move_to(local(2026, 12, 3, 9, 0))  # 3 December's duty starts at 9:00
    client = client_for(roster_org["staff_a"])
    at_start = _on_duty_now(client.get("/board/").content.decode())
    assert 'class="board-shift"' in at_start
    assert "leader" in at_start
    roster_org["travel"].move_to(local(2026, 12, 3, 8, 59))  # 2 December's duty (unfilled) is still on
    before = _on_duty_now(client.get("/board/").content.decode())
    assert "leader" not in before


def test_ros_05_a_kiosk_token_stops_when_its_maker_no_longer_schedules_the_unit(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    roster_org["travel"].move_to(local(2026, 12, 3, 10))
    secretary = roster_org["secretary"]
    _token, secret = services.kiosk_token_create(actor=secretary.user, unit=roster_org["dept_a"], label="大厅")
    assert Client().get(f"/kiosk/{secret}/").status_code == 200
    RoleAssignment.objects.filter(person=secretary).delete()
    assert Client().get(f"/kiosk/{secret}/").status_code == 404
