"""Generation API: start, status and stop for the compiler; 401 without a token, 404 for everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.core.models import AuditEvent
from zhiban.roster.generation import jobs
from zhiban.roster.generation import services as generation
from zhiban.roster.generation.models import GenerationRun

pytestmark = pytest.mark.django_db


def _auth(person: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def test_ros_04_api_start_status_stop(roster_org: dict[str, Any], week: Any) -> None:
    client, headers = Client(), _auth(roster_org["secretary"])
    started = client.post(
        f"/api/v1/roster/periods/{week.public_id}/generation",
        {"time_limit_s": 5},
        content_type="application/json",
        headers=headers,
    )
    assert started.status_code == 201, started.content
    run_id = started.json()["public_id"]
    assert started.json()["status"] == "queued"
    stopped = client.post(f"/api/v1/roster/generation/{run_id}/stop", headers=headers)
    assert stopped.json()["stop_requested"] is True
    jobs.execute(GenerationRun.objects.get(public_id=run_id).pk)
    status = client.get(f"/api/v1/roster/generation/{run_id}", headers=headers).json()
    assert status["status"] == "stopped"
    assert status["written"] == 21
    assert status["explanation"]["points"]
    again = client.post(f"/api/v1/roster/generation/{run_id}/stop", headers=headers)
    assert again.status_code == 422


def test_api_bad_time_limit_is_422(roster_org: dict[str, Any], week: Any) -> None:
    response = Client().post(
        f"/api/v1/roster/periods/{week.public_id}/generation",
        {"time_limit_s": 9999},
        content_type="application/json",
        headers=_auth(roster_org["secretary"]),
    )
    assert response.status_code == 422
    assert "time_limit_s" in response.json()["errors"]


@pytest.mark.parametrize("who", ["anonymous", "staff_a", "head_b", "head_a"])
def test_api_refuses_everyone_but_the_compiler(roster_org: dict[str, Any], week: Any, who: str) -> None:
    run = generation.generation_start(actor=roster_org["secretary"].user, period=week)
    headers = {} if who == "anonymous" else _auth(roster_org[who])
    expected = 401 if who == "anonymous" else 404
    events = AuditEvent.objects.count()
    client = Client()
    calls = [
        client.post(
            f"/api/v1/roster/periods/{week.public_id}/generation", {}, content_type="application/json", headers=headers
        ),
        client.get(f"/api/v1/roster/generation/{run.public_id}", headers=headers),
        client.post(f"/api/v1/roster/generation/{run.public_id}/stop", headers=headers),
    ]
    assert [c.status_code for c in calls] == [expected] * 3
    run.refresh_from_db()
    assert not run.stop_requested
    assert GenerationRun.objects.count() == 1
    assert AuditEvent.objects.count() == events
