"""Roster API: same scope and rule checks as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.roster import services
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion
from zhiban.roster.tests.conftest import DECEMBER, fill_day, local

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)


def _auth(person: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def periods(roster_org: dict[str, Any]) -> dict[str, RosterPeriod]:
    published = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, published, DEC_3)
    services.period_publish(actor=None, period=published)
    draft = services.period_open(
        actor=None, unit=roster_org["dept_a"], start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31)
    )
    services.assignment_set(
        actor=None,
        period=draft,
        day=dt.date(2027, 1, 4),
        shift_type=roster_org["duty"],
        post="duty_officer",
        people=[roster_org["head_a"]],
    )
    return {"published": published, "draft": draft}


def _state() -> tuple[int, int]:
    return Assignment.objects.count(), RosterVersion.objects.count()


def test_anonymous_and_wrong_token_get_401(periods: dict[str, RosterPeriod]) -> None:
    client = Client()
    for path in [
        "/api/v1/roster/periods",
        "/api/v1/roster/board",
        f"/api/v1/roster/periods/{periods['draft'].public_id}/assignments",
    ]:
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer zb_wrong"}).status_code == 401
    before = _state()
    assert (
        client.post(
            f"/api/v1/roster/periods/{periods['draft'].public_id}/publish", "{}", content_type="application/json"
        ).status_code
        == 401
    )
    assert _state() == before


def test_unprivileged_sees_published_assignments_only_and_cannot_write(
    roster_org: dict[str, Any], periods: dict[str, RosterPeriod]
) -> None:
    client, auth = Client(), _auth(roster_org["staff_a"])
    listed = client.get("/api/v1/roster/periods", headers=auth).json()["items"]
    assert {p["public_id"] for p in listed} == {periods["published"].public_id, periods["draft"].public_id}
    published = client.get(f"/api/v1/roster/periods/{periods['published'].public_id}/assignments", headers=auth).json()
    assert published["version"] == 1
    assert {a["person_name"] for a in published["assignments"]} == {"leader", "staff_a", "driver"}
    draft = client.get(f"/api/v1/roster/periods/{periods['draft'].public_id}/assignments", headers=auth).json()
    assert draft["assignments"] == []
    before = _state()
    cell = {"date": "2027-01-05", "shift": "duty", "post": "duty_officer", "people": [roster_org["staff_a"].public_id]}
    assert (
        client.post(
            f"/api/v1/roster/periods/{periods['draft'].public_id}/cells",
            cell,
            content_type="application/json",
            headers=auth,
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/roster/periods/{periods['draft'].public_id}/publish",
            {},
            content_type="application/json",
            headers=auth,
        ).status_code
        == 404
    )
    assert _state() == before


def test_other_department_head_sees_nothing(roster_org: dict[str, Any], periods: dict[str, RosterPeriod]) -> None:
    roster_org["travel"].move_to(local(2026, 12, 3, 10))
    client, auth = Client(), _auth(roster_org["head_b"])
    assert client.get("/api/v1/roster/periods", headers=auth).json()["items"] == []
    for period in periods.values():
        assert client.get(f"/api/v1/roster/periods/{period.public_id}", headers=auth).status_code == 404
        assert client.get(f"/api/v1/roster/periods/{period.public_id}/assignments", headers=auth).status_code == 404
    assert client.get("/api/v1/roster/board", headers=auth).json() == []


def test_secretary_sets_a_cell_is_refused_by_org_03_and_publishes(
    roster_org: dict[str, Any], periods: dict[str, RosterPeriod]
) -> None:
    client, auth = Client(), _auth(roster_org["secretary"])
    url = f"/api/v1/roster/periods/{periods['draft'].public_id}"
    draft = client.get(f"{url}/assignments", headers=auth).json()
    assert draft["draft"] is True
    assert [a["person_name"] for a in draft["assignments"]] == ["head_a"]
    refused = client.post(
        f"{url}/cells",
        {"date": "2027-01-05", "shift": "duty", "post": "duty_officer", "people": [roster_org["guard"].public_id]},
        content_type="application/json",
        headers=auth,
    )
    assert refused.status_code == 422
    assert refused.json()["violations"][0]["code"] == "ORG-03.outsider_never_on_duty"
    ok = client.post(
        f"{url}/cells",
        {"date": "2027-01-05", "shift": "duty", "post": "duty_officer", "people": [roster_org["staff_a"].public_id]},
        content_type="application/json",
        headers=auth,
    )
    assert ok.status_code == 200
    assert len(ok.json()["assignments"]) == 2
    published = client.post(f"{url}/publish", {"note": "January"}, content_type="application/json", headers=auth)
    assert published.status_code == 200
    assert published.json()["published_version"] == 1


def test_ros_05_board_endpoint(roster_org: dict[str, Any], periods: dict[str, RosterPeriod]) -> None:
    roster_org["travel"].move_to(local(2026, 12, 3, 10))
    board = Client().get("/api/v1/roster/board", headers=_auth(roster_org["staff_a"])).json()
    assert len(board) == 1
    now = board[0]["now"][0]
    assert now["leaders"] == [{"name": "leader", "phone": roster_org["leader"].mobile}]
    assert board[0]["tomorrow"] == []
