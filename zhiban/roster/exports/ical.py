"""iCalendar feeds of published rosters (ROS-06): each duty an event in Asia/Shanghai time, post and unit
in the summary, an alarm the day before. Built on request from the published versions, so every
publication and correction shows at the next refresh."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from icalendar import Alarm, Calendar, Event

from zhiban.calendar import selectors as calendar_selectors
from zhiban.core import clock
from zhiban.org.models import Unit
from zhiban.roster.feed_models import FeedToken
from zhiban.roster.models import Assignment, RosterPeriod

POST_NAMES = {"duty_leader": "带班领导", "duty_officer": "值班人员", "standby_driver": "驾驶员"}
PAST_DAYS = 92
ALARM_BEFORE = dt.timedelta(days=1)
REFRESH = dt.timedelta(hours=1)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _published(token: FeedToken) -> QuerySet[Assignment]:
    since = clock.today() - dt.timedelta(days=PAST_DAYS)
    periods = RosterPeriod.objects.filter(published_version__isnull=False, end__gte=since)
    rows = Assignment.objects.filter(version_id__in=periods.values("published_version_id"), date__gte=since)
    if token.person_id is not None:
        rows = rows.filter(person_id=token.person_id)
    else:
        assert token.unit is not None
        rows = rows.filter(version__period__unit__path__startswith=token.unit.path)
    return rows.select_related("person", "shift_type", "version__period__unit").order_by(
        "date", "shift_type__sort_order", "post", "person__name"
    )


def _event(a: Assignment, seasons: Any, personal: bool) -> Event:
    unit = a.version.period.unit
    start, end = a.shift_type.window(a.date, seasons, clock.local_tz())
    post = POST_NAMES.get(a.post, a.post)
    who = "" if personal else f"{a.person.name} "
    event = Event()
    event.add(
        "uid", f"{a.version.period.public_id}-{a.date:%Y%m%d}-{a.shift_type.code}-{a.post}-{a.person.public_id}@zhiban"
    )
    event.add("summary", f"{who}{post} · {a.shift_type.name} · {unit.name}")
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("dtstamp", a.version.published_at or clock.now())
    event.add("last-modified", a.version.published_at or clock.now())
    event.add("sequence", a.version.number)
    notes = [*a.shift_type.phases(), *([f"值班室电话：{unit.duty_phone}"] if unit.duty_phone else [])]
    if notes:
        event.add("description", "；".join(notes))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"明日值班：{post} · {a.shift_type.name} · {unit.name}")
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def feed_name(token: FeedToken) -> str:
    return f"{token.person.name} 值班" if token.person is not None else f"{token.unit} 值班表"


def feed_calendar(token: FeedToken) -> bytes:
    """The token's feed as an .ics document."""
    calendar = Calendar()
    calendar.add("prodid", "-//zhiban//roster feed//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", feed_name(token))
    calendar.add("x-wr-timezone", str(clock.local_tz()))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    calendar.add("x-published-ttl", "PT1H")  # the same, for clients that predate RFC 7986
    seasons: dict[int, Any] = {}
    for a in _published(token):
        unit: Unit = a.version.period.unit
        if unit.pk not in seasons:
            seasons[unit.pk] = calendar_selectors.effective_seasons(unit).dates
        calendar.add_component(_event(a, seasons[unit.pk], personal=token.person_id is not None))
    calendar.add_missing_timezones()
    return calendar.to_ical()
