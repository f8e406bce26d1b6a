"""The duty API does what the pages do, under the same rules and the same access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from zhiban.accounts.services import access_token_create
from zhiban.duty.models import Incident, LogEntry
from zhiban.duty.tests.helpers import audit_count, minutes, run_worker

CALL = {
    "caller_unit": "市应急局",
    "caller_name": "王科长",
    "phone": "0571-87654321",
    "content": "城南停电",
    "handling": "已报告",
}


def api(person: Any) -> Client:
    _, secret = access_token_create(actor=person.user, user=person.user, name="test", second_factor_passed=True)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_ops_01_ops_03_check_in_log_and_search_through_the_api(duty: dict[str, Any]) -> None:
    shift = duty["shift"]
    duty["travel"].move_to(shift.starts_at)
    client = api(duty["staff_a"])
    response = client.post(f"/api/v1/duty/shifts/{shift.public_id}/check-in")
    assert response.status_code == 200
    assert [c["checked_in_at"] is not None for c in response.json()["crew"] if c["name"] == "staff_a"] == [True]
    response = client.post(
        f"/api/v1/duty/shifts/{shift.public_id}/log", {"kind": "call", "fields": CALL}, content_type="application/json"
    )
    assert response.status_code == 201
    refused = client.post(
        f"/api/v1/duty/shifts/{shift.public_id}/log",
        {"kind": "call", "fields": {**CALL, "phone": ""}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["violations"][0]["rule_id"] == "OPS-03"
    found = client.get("/api/v1/duty/log", {"q": "停电"}).json()
    assert [e["fields"]["content"] for e in found] == ["城南停电"]
    assert client.get("/api/v1/duty/log", {"q": "火灾"}).json() == []


def test_ops_04_incident_clock_through_the_api(on_duty: dict[str, Any]) -> None:
    client = api(on_duty["staff_a"])
    shift = on_duty["shift"]
    response = client.post(
        f"/api/v1/duty/shifts/{shift.public_id}/incidents",
        {"title": "仓库火灾", "level": "重大"},
        content_type="application/json",
    )
    assert response.status_code == 201
    incident = response.json()
    assert dt.datetime.fromisoformat(incident["report_due_at"]) == dt.datetime.fromisoformat(
        incident["raised_at"]
    ) + minutes(60)
    bad = client.post(
        f"/api/v1/duty/incidents/{incident['public_id']}/steps",
        {"step": "reported_upward", "text": "省委"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    on_duty["travel"].move_to(dt.datetime.fromisoformat(incident["raised_at"]) + minutes(60))
    run_worker()
    leader = api(on_duty["leader"])
    acknowledged = leader.post(f"/api/v1/duty/incidents/{incident['public_id']}/acknowledge")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_at"] is not None
    assert Incident.objects.get().report == Incident.Report.MISSED


def test_the_api_denies_other_organisations_and_changes_nothing(on_duty: dict[str, Any]) -> None:
    shift = on_duty["shift"]
    outsider = api(on_duty["outsider"])
    before = audit_count()
    assert outsider.get(f"/api/v1/duty/shifts/{shift.public_id}").status_code == 404
    assert outsider.get("/api/v1/duty/shifts").json() == []
    for path in ("check-in", "close", "handover/accept"):
        assert outsider.post(f"/api/v1/duty/shifts/{shift.public_id}/{path}").status_code == 404
    response = outsider.post(
        f"/api/v1/duty/shifts/{shift.public_id}/log", {"kind": "call", "fields": CALL}, content_type="application/json"
    )
    assert response.status_code == 404
    assert audit_count() == before
    assert not LogEntry.objects.exists()
    colleague = api(on_duty["staff_b"])  # same organisation, another department, not on the shift
    assert colleague.post(f"/api/v1/duty/shifts/{shift.public_id}/check-in").status_code == 404
