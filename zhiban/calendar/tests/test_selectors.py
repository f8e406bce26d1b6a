"""Calendar reads: CAL-02 facts from CalendarDay, periods for signed-in users only, constant queries."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhiban.accounts.tests.clients import client_for
from zhiban.calendar import selectors, services
from zhiban.policy.rules.cal_02 import DayFact, PeriodKind

pytestmark = pytest.mark.django_db


def test_cal_02_facts_come_from_the_calendar_and_unseeded_days_are_ordinary(seeded: object) -> None:
    facts = selectors.day_facts(dt.date(2027, 12, 30), dt.date(2028, 1, 3))
    assert facts == [
        DayFact(dt.date(2027, 12, 30), True),
        DayFact(dt.date(2027, 12, 31), True),
        DayFact(dt.date(2028, 1, 1), False),  # not seeded: an ordinary Saturday
        DayFact(dt.date(2028, 1, 2), False),
        DayFact(dt.date(2028, 1, 3), True),
    ]
    october = selectors.day_facts(dt.date(2026, 10, 9), dt.date(2026, 10, 11))
    assert october == [
        DayFact(dt.date(2026, 10, 9), True),
        DayFact(dt.date(2026, 10, 10), True),  # make-up Saturday
        DayFact(dt.date(2026, 10, 11), False),
    ]


def test_cal_02_a_correction_moves_the_period(org_tree: dict, seeded: object) -> None:
    user = org_tree["staff_a"].user
    (before,) = selectors.duty_periods(
        user=user, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 1), kind=PeriodKind.HOLIDAY
    )
    assert before.end == dt.datetime(2026, 10, 8, 8, 30, tzinfo=before.end.tzinfo)
    services.calendar_day_correct(
        actor=None, day=dt.date(2026, 10, 8), kind="in_lieu_rest", holiday_name="国庆节", reason="测试"
    )
    (after,) = selectors.duty_periods(
        user=user, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 1), kind=PeriodKind.HOLIDAY
    )
    assert after.last_rest_day == dt.date(2026, 10, 8)
    assert after.end.date() == dt.date(2026, 10, 9)


def test_anonymous_reads_nothing(seeded: object) -> None:
    anonymous = AnonymousUser()
    assert not selectors.calendar_days(user=anonymous, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)).exists()
    assert not selectors.calendar_years(user=anonymous).exists()
    assert selectors.year_duty_periods(user=anonymous, year=2026) == []
    assert selectors.season_overview(user=anonymous) == []
    assert selectors.year_duty_periods(user=None, year=2026) == []


def test_year_page_queries_do_not_grow_with_special_days(org_tree: dict, seeded: object) -> None:
    client = client_for(org_tree["staff_a"])
    client.get(reverse("calendar:year", args=[2027]))
    with CaptureQueriesContext(connection) as provisional:
        client.get(reverse("calendar:year", args=[2027]))
    with CaptureQueriesContext(connection) as confirmed:
        client.get(reverse("calendar:year", args=[2026]))
    assert len(confirmed.captured_queries) == len(provisional.captured_queries)
    calendar_queries = [q for q in confirmed.captured_queries if "calendar_" in q["sql"]]
    assert len(calendar_queries) == 3  # the days, the year, the facts for the duty periods
