"""ROS-06 iCalendar feeds: content, time zone, the alarm the day before, updates on change, and tokens
(wrong, revoked, another unit's, inactive person → nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.core.models import AuditEvent
from zhiban.org.models import RoleAssignment
from zhiban.roster import services
from zhiban.roster.exports import feeds
from zhiban.roster.feed_models import FeedToken
from zhiban.roster.models import RosterPeriod
from zhiban.roster.tests.conftest import DECEMBER, fill_day

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)


@pytest.fixture
def dept_period(roster_org: dict[str, Any]) -> RosterPeriod:
    """办公室's December roster, published with 3 December filled (staff_a as duty officer)."""
    period = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, period, DEC_3)
    services.period_publish(actor=None, period=period)
    period.refresh_from_db()
    return period


def _events(secret: str) -> list[Any]:
    response = Client().get(f"/roster/feeds/{secret}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def _personal(person: Any) -> str:
    return feeds.feed_token_create_personal(actor=person.user, label="phone")[1]


def test_ros_06_personal_feed_has_the_duty_in_shanghai_time_with_an_alarm_the_day_before(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    secret = _personal(roster_org["staff_a"])
    response = Client().get(f"/roster/feeds/{secret}.ics")
    calendar = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content.decode()
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event: Any = events[0]
    assert str(event["SUMMARY"]) == "值班人员 · 值班（坐班+电话值班） · 办公室"
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert start == dt.datetime(2026, 12, 3, 9, 0, tzinfo=start.tzinfo)
    assert end == dt.datetime(2026, 12, 4, 9, 0, tzinfo=start.tzinfo)
    assert "TZID=Asia/Shanghai" in response.content.decode()
    alarms: list[Any] = list(event.walk("VALARM"))
    assert len(alarms) == 1
    assert alarms[0]["TRIGGER"].dt == -dt.timedelta(days=1)
    assert str(alarms[0]["ACTION"]) == "DISPLAY"


def test_ros_06_feed_follows_a_correction_and_never_shows_drafts(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    secret_a, secret_b = _personal(roster_org["staff_a"]), _personal(roster_org["staff_b"])
    draft = services.period_open(
        actor=None, unit=roster_org["dept_a"], start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 5)
    )
    services.assignment_set(
        actor=None,
        period=draft,
        day=dt.date(2027, 1, 4),
        shift_type=roster_org["duty"],
        post="duty_officer",
        people=[roster_org["staff_a"]],
    )
    assert len(_events(secret_a)) == 1  # the draft's duty is not in the feed
    assert _events(secret_b) == []
    services.roster_correct(
        actor=None,
        period=dept_period,
        day=DEC_3,
        shift_type=roster_org["duty"],
        post="duty_officer",
        people=[roster_org["staff_b"]],
        reason="调班",
    )
    assert _events(secret_a) == []
    moved = _events(secret_b)
    assert len(moved) == 1
    assert moved[0]["SEQUENCE"] == 2


def test_ros_06_unit_feed_lists_everyone_on_duty_in_the_unit_only(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    other = services.period_open(actor=None, unit=roster_org["dept_b"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, other, dt.date(2026, 12, 9), officer=roster_org["staff_b"])
    services.period_publish(actor=None, period=other)
    secretary = roster_org["secretary"].user
    secret_a = feeds.feed_token_create_unit(actor=secretary, unit=roster_org["dept_a"], label="wall")[1]
    secret_b = feeds.feed_token_create_unit(actor=secretary, unit=roster_org["dept_b"], label="wall")[1]
    summaries = sorted(str(e["SUMMARY"]) for e in _events(secret_a))
    assert summaries == [
        "driver 驾驶员 · 值班（坐班+电话值班） · 办公室",
        "leader 带班领导 · 值班（坐班+电话值班） · 办公室",
        "staff_a 值班人员 · 值班（坐班+电话值班） · 办公室",
    ]
    other_unit = [str(e["SUMMARY"]) for e in _events(secret_b)]
    assert len(other_unit) == 3
    assert all("财务处" in s and "办公室" not in s for s in other_unit)  # another unit's token: none of 办公室


@pytest.mark.parametrize("secret", ["wrong", "x" * 300, ""])
def test_ros_06_wrong_feed_token_is_not_found(roster_org: dict[str, Any], dept_period: Any, secret: str) -> None:
    response = Client().get(f"/roster/feeds/{secret}.ics")
    assert response.status_code == 404
    assert b"VCALENDAR" not in response.content


def test_ros_06_revoked_token_and_inactive_person_are_not_found(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    secret = _personal(roster_org["staff_a"])
    token = FeedToken.objects.get(person=roster_org["staff_a"])
    feeds.feed_token_revoke(actor=roster_org["staff_a"].user, token=token)
    response = Client().get(f"/roster/feeds/{secret}.ics")
    assert response.status_code == 404
    assert b"staff_a" not in response.content
    secret_b = _personal(roster_org["staff_b"])
    assert Client().get(f"/roster/feeds/{secret_b}.ics").status_code == 200
    roster_org["staff_b"].is_active = False
    roster_org["staff_b"].save()
    assert Client().get(f"/roster/feeds/{secret_b}.ics").status_code == 404


def test_feed_token_page_makes_shows_once_and_revokes(roster_org: dict[str, Any]) -> None:
    client = client_for(roster_org["staff_a"])
    assert client.get("/roster/feeds/").status_code == 200
    before = AuditEvent.objects.count()
    page = client.post("/roster/feeds/", {"target": "me", "label": "手机"}).content.decode()
    assert 'id="feed-url"' in page
    assert AuditEvent.objects.count() == before + 1
    token = FeedToken.objects.get()
    assert token.person == roster_org["staff_a"]
    url = page.split('id="feed-url"')[1].split("<code>")[1].split("</code>")[0]
    assert url.endswith(".ics")
    assert Client().get(url).status_code == 200
    assert 'id="feed-url"' not in client.get("/roster/feeds/").content.decode()  # shown once
    assert client.post(f"/roster/feeds/{token.public_id}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(url).status_code == 404


def test_feed_token_page_offers_unit_feeds_to_schedulers_only(roster_org: dict[str, Any]) -> None:
    dept_a = roster_org["dept_a"].public_id
    page = client_for(roster_org["staff_a"]).post("/roster/feeds/", {"target": dept_a, "label": "x"})
    assert 'id="feed-url"' not in page.content.decode()
    assert not FeedToken.objects.exists()
    page = verified_client(roster_org["secretary"].user).post("/roster/feeds/", {"target": dept_a, "label": "x"})
    assert 'id="feed-url"' in page.content.decode()
    assert FeedToken.objects.get().unit == roster_org["dept_a"]


@pytest.mark.parametrize("who", [None, "staff_b", "head_b"])
def test_feed_tokens_of_others_cannot_be_seen_or_revoked(roster_org: dict[str, Any], who: str | None) -> None:
    feeds.feed_token_create_personal(actor=roster_org["staff_a"].user, label="mine")
    feeds.feed_token_create_unit(actor=roster_org["secretary"].user, unit=roster_org["dept_a"], label="wall")
    client = client_for(roster_org[who]) if who else Client()
    page = client.get("/roster/feeds/")
    assert page.status_code == (302 if who is None else 200)
    assert "mine" not in page.content.decode()
    assert "wall" not in page.content.decode()
    before = AuditEvent.objects.count()
    for token in FeedToken.objects.all():
        response = client.post(f"/roster/feeds/{token.public_id}/revoke/")
        assert response.status_code == (302 if who is None else 404)
    assert not FeedToken.objects.filter(revoked_at__isnull=False).exists()
    assert AuditEvent.objects.count() == before


def test_feed_token_services_refuse_others(roster_org: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        feeds.feed_token_create_unit(actor=roster_org["head_b"].user, unit=roster_org["dept_a"], label="x")
    feeds.feed_token_create_personal(actor=roster_org["staff_a"].user, label="mine")
    with pytest.raises(PermissionDenied):
        feeds.feed_token_revoke(actor=roster_org["staff_b"].user, token=FeedToken.objects.get())
    assert FeedToken.objects.get().revoked_at is None


def test_ros_06_feed_keeps_duties_of_the_past_92_days_and_drops_older_ones(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    from zhiban.roster.exports.ical import PAST_DAYS
    from zhiban.roster.tests.conftest import local

    secret = _personal(roster_org["staff_a"])
    last_day = DEC_3 + dt.timedelta(days=PAST_DAYS)
    roster_org["travel"].move_to(local(last_day.year, last_day.month, last_day.day, 12))
    assert len(_events(secret)) == 1  # at the limit: still in the feed
    roster_org["travel"].move_to(local(last_day.year, last_day.month, last_day.day + 1, 12))
    assert _events(secret) == []  # a day past it: gone


def test_ros_06_a_unit_feed_stops_when_its_maker_no_longer_schedules_the_unit(
    roster_org: dict[str, Any], dept_period: RosterPeriod
) -> None:
    secretary = roster_org["secretary"]
    secret = feeds.feed_token_create_unit(actor=secretary.user, unit=roster_org["dept_a"], label="wall")[1]
    assert len(_events(secret)) == 3
    RoleAssignment.objects.filter(person=secretary).delete()  # the maker loses the role
    response = Client().get(f"/roster/feeds/{secret}.ics")
    assert response.status_code == 404
    assert b"VCALENDAR" not in response.content
