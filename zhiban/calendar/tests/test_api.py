"""Calendar API: bearer tokens; any signed-in user reads; anonymous users get nothing; no writes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiban.accounts import services as account_services
from zhiban.calendar.tests.conftest import snapshot
from zhiban.org.models import Person

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/calendar/days?year=2026",
    "/api/v1/calendar/days?year=2026&month=10",
    "/api/v1/calendar/days?start=2026-09-30&end=2026-10-08",
    "/api/v1/calendar/days/2026-10-01",
    "/api/v1/calendar/years/2027",
    "/api/v1/calendar/years/2026/periods",
]


def bearer(person: Person) -> dict[str, str]:
    assert person.user is not None
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_and_wrong_tokens_get_nothing(seeded: object, path: str) -> None:
    client = Client()
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer zb_wrong"}).status_code == 401


@pytest.mark.parametrize("who", ["staff_a", "head_b"])
@pytest.mark.parametrize("path", ENDPOINTS)
def test_signed_in_people_read_every_endpoint(org_tree: dict, seeded: object, who: str, path: str) -> None:
    headers = bearer(org_tree[who])
    before = snapshot()
    assert Client().get(path, headers=headers).status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_there_is_no_write_endpoint(org_tree: dict, seeded: object, method: str) -> None:
    headers = bearer(org_tree["head_b"])
    before = snapshot()
    response = getattr(Client(), method)("/api/v1/calendar/days/2026-10-01", headers=headers)
    assert response.status_code == 405
    assert snapshot() == before


def test_days_by_month_and_range(org_tree: dict, seeded: object) -> None:
    client, headers = Client(), bearer(org_tree["staff_a"])
    october = client.get("/api/v1/calendar/days", {"year": 2026, "month": 10}, headers=headers).json()
    assert len(october) == 31
    assert october[0] == {
        "date": "2026-10-01",
        "kind": "statutory_holiday",
        "holiday_name": "国庆节",
        "label": "国庆节",
        "is_working_day": False,
        "provisional": False,
        "source": "chinesecalendar",
    }
    assert october[9]["label"] == "调休上班"
    assert october[9]["is_working_day"] is True
    week = client.get("/api/v1/calendar/days", {"start": "2026-09-30", "end": "2026-10-08"}, headers=headers).json()
    assert [d["is_working_day"] for d in week] == [True, *[False] * 7, True]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"month": 10},
        {"year": 2026, "month": 13},
        {"year": 2026, "start": "2026-01-01", "end": "2026-01-02"},
        {"start": "2026-10-02", "end": "2026-10-01"},
        {"start": "2026-01-01", "end": "2027-01-02"},  # 367 days
    ],
)
def test_bad_ranges_are_refused(org_tree: dict, seeded: object, params: dict) -> None:
    response = Client().get("/api/v1/calendar/days", params, headers=bearer(org_tree["staff_a"]))
    assert response.status_code == 422


def test_range_of_366_days_is_the_limit(org_tree: dict, seeded: object) -> None:
    response = Client().get(
        "/api/v1/calendar/days", {"start": "2026-01-01", "end": "2027-01-01"}, headers=bearer(org_tree["staff_a"])
    )
    assert response.status_code == 200
    assert len(response.json()) == 366


def test_day_and_year_status(org_tree: dict, seeded: object) -> None:
    client, headers = Client(), bearer(org_tree["staff_a"])
    assert client.get("/api/v1/calendar/days/2026-02-17", headers=headers).json()["holiday_name"] == "春节"
    assert client.get("/api/v1/calendar/days/2030-01-01", headers=headers).status_code == 404
    status = client.get("/api/v1/calendar/years/2027", headers=headers).json()
    assert status["provisional"] is True
    assert status["source"] == "holidays"
    assert client.get("/api/v1/calendar/years/2026", headers=headers).json()["provisional"] is False
    assert client.get("/api/v1/calendar/years/2030", headers=headers).status_code == 404
    assert client.get("/api/v1/calendar/years/2030/periods", headers=headers).status_code == 404


def test_cal_02_holiday_periods_of_a_year(org_tree: dict, seeded: object) -> None:
    client, headers = Client(), bearer(org_tree["staff_a"])
    periods = client.get("/api/v1/calendar/years/2026/periods", headers=headers).json()
    national = next(p for p in periods if p["name"] == "国庆节")
    assert national["start"] == "2026-09-30T17:30:00+08:00"
    assert national["end"] == "2026-10-08T08:30:00+08:00"
    assert {p["kind"] for p in periods} == {"holiday"}
    custom = client.get(
        "/api/v1/calendar/years/2026/periods", {"work_start": "09:00", "work_end": "17:00"}, headers=headers
    ).json()
    national = next(p for p in custom if p["name"] == "国庆节")
    assert (national["start"], national["end"]) == ("2026-09-30T17:00:00+08:00", "2026-10-08T09:00:00+08:00")
    weekends = client.get("/api/v1/calendar/years/2026/periods", {"kind": "weekend"}, headers=headers).json()
    sunday_alone = next(p for p in weekends if p["first_rest_day"] == "2026-10-11")
    assert sunday_alone["start"] == "2026-10-10T17:30:00+08:00"
    bad = client.get(
        "/api/v1/calendar/years/2026/periods", {"work_start": "18:00", "work_end": "17:00"}, headers=headers
    )
    assert bad.status_code == 422


def test_cal_02_new_year_2027_period_starts_in_2026(org_tree: dict, seeded: object) -> None:
    periods = Client().get("/api/v1/calendar/years/2027/periods", headers=bearer(org_tree["staff_a"])).json()
    new_year = periods[0]
    assert new_year["name"] == "元旦"
    assert new_year["start"] == "2026-12-31T17:30:00+08:00"
    assert new_year["end"] == "2027-01-04T08:30:00+08:00"


def test_day_list_query_count_does_not_grow_with_days(org_tree: dict, seeded: object) -> None:
    client, headers = Client(), bearer(org_tree["staff_a"])
    client.get("/api/v1/calendar/days", {"year": 2026, "month": 1}, headers=headers)
    with CaptureQueriesContext(connection) as month:
        client.get("/api/v1/calendar/days", {"year": 2026, "month": 1}, headers=headers)
    with CaptureQueriesContext(connection) as year:
        client.get("/api/v1/calendar/days", {"year": 2026}, headers=headers)
    assert len(year.captured_queries) == len(month.captured_queries)
