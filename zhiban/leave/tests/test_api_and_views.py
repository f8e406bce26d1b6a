"""Pages and API of the leave app: the same checks as the services, 422 with the rule codes, and every
endpoint refusing people who may not see or act (nothing changed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhiban.accounts.services import access_token_create
from zhiban.accounts.tests.clients import client_for
from zhiban.core.models import AuditEvent
from zhiban.leave import services
from zhiban.leave.models import LeaveRequest

from .conftest import DAY, local


def bearer(person: Any) -> dict[str, str]:
    _, secret = access_token_create(actor=person.user, user=person.user, name="test", second_factor_passed=True)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def leave(roster_org: dict[str, Any], published: Any) -> LeaveRequest:
    return services.leave_file(
        actor=roster_org["staff_a"].user,
        person=roster_org["staff_a"],
        kind="personal",
        starts_at=local(2026, 12, 7, 8),
        ends_at=local(2026, 12, 7, 23),
        reason="家中有事",
    )


def test_pages_for_the_person_and_the_approver(roster_org: dict, leave: LeaveRequest, colleague: Any) -> None:
    mine = client_for(roster_org["staff_a"])
    assert mine.get("/leave/").status_code == 200
    page = mine.get(f"/leave/{leave.public_id}/")
    assert page.status_code == 200
    assert "colleague" in page.content.decode()  # ranked candidates shown to the person
    assert mine.get("/leave/new/").status_code == 200
    head = client_for(roster_org["head_a"])
    assert 'id="leave-decide"' in head.get(f"/leave/{leave.public_id}/").content.decode()


def test_filing_through_the_page_and_the_live_preview(roster_org: dict, published: Any) -> None:
    client = client_for(roster_org["staff_a"])
    form = {
        "person": roster_org["staff_a"].public_id,
        "kind": "personal",
        "starts_at": "2026-12-08T08:00",
        "ends_at": "2026-12-08T20:00",
        "reason": "体检",
    }
    preview = client.post("/leave/preview/", form)
    assert preview.status_code == 200
    assert 'id="leave-length"' in preview.content.decode()
    response = client.post("/leave/new/", form)
    assert response.status_code == 302
    assert LeaveRequest.objects.get().reason == "体检"


def test_outsiders_cannot_see_or_act_on_a_request_and_nothing_changes(roster_org: dict, leave: LeaveRequest) -> None:
    outsider = client_for(roster_org["staff_b"])
    events = AuditEvent.objects.count()
    assert outsider.get(f"/leave/{leave.public_id}/").status_code == 404
    for action in ("decide", "cancel", "return", "cover", "certificate"):
        assert outsider.post(f"/leave/{leave.public_id}/{action}/", {"decision": "approve"}).status_code == 404
    assert Client().get(f"/leave/{leave.public_id}/").status_code == 302  # to the login page
    assert AuditEvent.objects.count() == events
    assert LeaveRequest.objects.get(pk=leave.pk).status == "pending"


def test_api_create_refusal_is_422_with_the_rule_code_and_nothing_changes(roster_org: dict, published: Any) -> None:
    roster_org["travel"].move_to(local(2026, 12, 7, 9))
    headers = bearer(roster_org["staff_a"])
    events = AuditEvent.objects.count()
    body = {
        "kind": "personal",
        "starts_at": "2026-12-07T08:00:00+08:00",
        "ends_at": "2026-12-07T23:00:00+08:00",
        "reason": "事",
    }
    response = Client().post("/api/v1/leave/requests", body, content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert [v["code"] for v in response.json()["violations"]] == ["LEAVE-01.ask_before_leaving"]
    assert LeaveRequest.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_api_leave_through_cover_and_approval(roster_org: dict, published: Any, colleague: Any) -> None:
    staff, head = bearer(roster_org["staff_a"]), bearer(roster_org["head_a"])
    body = {
        "kind": "personal",
        "starts_at": "2026-12-07T08:00:00+08:00",
        "ends_at": "2026-12-07T23:00:00+08:00",
        "reason": "事",
    }
    client = Client()
    created = client.post("/api/v1/leave/requests", body, content_type="application/json", headers=staff)
    assert created.status_code == 201
    public_id = created.json()["public_id"]
    refused = client.post(
        f"/api/v1/leave/requests/{public_id}/decide", {"approve": True}, content_type="application/json", headers=head
    )
    assert refused.status_code == 422
    assert [v["code"] for v in refused.json()["violations"]] == ["SUB-01.substitute_approved"]
    cover = {
        "period": published.public_id,
        "day": DAY.isoformat(),
        "shift_type": roster_org["duty"].public_id,
        "post": "duty_officer",
        "substitute": colleague.public_id,
    }
    assert (
        client.post(
            f"/api/v1/leave/requests/{public_id}/covers", cover, content_type="application/json", headers=staff
        ).status_code
        == 200
    )
    approved = client.post(
        f"/api/v1/leave/requests/{public_id}/decide", {"approve": True}, content_type="application/json", headers=head
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["covers"][0]["substitute_name"] == "colleague"


def test_api_outsiders_get_404_and_a_wrong_approver_403(roster_org: dict, leave: LeaveRequest) -> None:
    client = Client()
    outsider = bearer(roster_org["staff_b"])
    assert client.get(f"/api/v1/leave/requests/{leave.public_id}", headers=outsider).status_code == 404
    assert client.get("/api/v1/leave/requests", headers=outsider).json() == []
    decided = client.post(
        f"/api/v1/leave/requests/{leave.public_id}/decide",
        {"approve": True},
        content_type="application/json",
        headers=outsider,
    )
    assert decided.status_code == 404
    assert client.get("/api/v1/leave/requests").status_code == 401
    # a leader on duty manages nobody: the request stays out of sight
    assert (
        client.get(f"/api/v1/leave/requests/{leave.public_id}", headers=bearer(roster_org["leader"])).status_code == 404
    )
    assert LeaveRequest.objects.get(pk=leave.pk).status == "pending"
