"""Who sees and changes the register, over every page and endpoint: anonymous, another department, clearance too
low, outside the distribution scope, the department head without clearance, the system and security administrators,
and the clerk. Refused means nothing changed and nothing revealed — not the carrier, not that it exists, not a count.
Every view of a carrier entry is an audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.secrecy import selectors
from zhiban.secrecy.models import Carrier, Clearance, CustodyMove
from zhiban.secrecy.tests.conftest import api, web

# head_b: another department (cleared 绝密, not in the scope); low: clearance too low; outsider: cleared, outside the
# scope; head_a: the department head of the scope without a clearance.
REFUSED = ("head_b", "low", "outsider", "head_a")
RECEIVE = {
    "register_number": "Z9",
    "classification": "confidential",
    "period_years": "5",
    "copy_number": "1",
    "issuing_body": "市委",
    "issued_on": "2026-12-01",
    "received_on": "2026-12-07",
    "title": "通知",
    "location": "柜",
}


def _state() -> tuple[Any, ...]:
    return (
        Carrier.objects.count(),
        CustodyMove.objects.count(),
        list(Carrier.objects.values_list("holder_id", "status", "location")),
        list(Clearance.objects.values_list("person_id", "level")),
    )


def _user(reg: dict[str, Any], who: str) -> Any:
    return reg[who] if who in ("security", "sysadmin") else reg[who].user


@pytest.mark.parametrize("who", [*REFUSED, "sysadmin", "security"])
def test_sec_02_pages_reveal_nothing_and_change_nothing(reg: dict[str, Any], who: str) -> None:
    carrier = reg["carrier"]
    client = verified_client(_user(reg, who))
    before, events = _state(), AuditEvent.objects.count()
    page = client.get("/secrecy/", {"q": "办密"})
    assert page.status_code == 200
    assert carrier.register_number not in page.content.decode()
    assert carrier.title not in page.content.decode()
    assert "不存储任何涉密内容" in page.content.decode()  # SEC-00 boundary on the page
    assert client.get(f"/secrecy/carriers/{carrier.public_id}/").status_code == 404
    assert (
        client.post(f"/secrecy/carriers/{carrier.public_id}/move/", {"to": reg["reader"].public_id}).status_code == 404
    )
    assert client.post(f"/secrecy/carriers/{carrier.public_id}/archive/").status_code == 404
    assert client.post("/secrecy/carriers/new/", {**RECEIVE, "unit": reg["dept_a"].public_id}).status_code == 403
    assert _state() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("who", [*REFUSED, "sysadmin", "security"])
def test_sec_02_api_reveals_nothing_and_changes_nothing(reg: dict[str, Any], who: str) -> None:
    carrier = reg["carrier"]
    client = api(_user(reg, who))
    before, events = _state(), AuditEvent.objects.count()
    listed = client.get("/api/v1/secrecy/carriers", {"q": "办密"})
    assert listed.status_code == 200
    assert listed.json() == []
    assert client.get("/api/v1/secrecy/carriers").json() == []
    assert client.get(f"/api/v1/secrecy/carriers/{carrier.public_id}").status_code == 404
    moved = client.post(
        f"/api/v1/secrecy/carriers/{carrier.public_id}/moves", {"to": reg["reader"].public_id}, "application/json"
    )
    assert moved.status_code == 404
    archived = client.post(f"/api/v1/secrecy/carriers/{carrier.public_id}/archive", {}, "application/json")
    assert archived.status_code == 404
    received = client.post("/api/v1/secrecy/carriers", {**RECEIVE, "unit": reg["dept_a"].public_id}, "application/json")
    assert received.status_code in (403, 404, 422)  # 404: a unit outside what the caller sees
    assert _state() == before
    assert AuditEvent.objects.count() - events <= 1


def test_sec_02_anonymous_is_refused_everywhere(reg: dict[str, Any]) -> None:
    carrier = reg["carrier"]
    client = Client()
    before = _state()
    for url in ("/secrecy/", f"/secrecy/carriers/{carrier.public_id}/", "/secrecy/clearances/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.post(f"/secrecy/carriers/{carrier.public_id}/move/", {"to": "x"}).status_code == 302
    assert client.get("/api/v1/secrecy/carriers").status_code == 401
    assert client.get(f"/api/v1/secrecy/carriers/{carrier.public_id}").status_code == 401
    assert client.post("/api/v1/secrecy/clearances", {}, "application/json").status_code == 401
    assert _state() == before


def test_sec_02_cleared_reader_in_scope_sees_and_the_view_is_audited(reg: dict[str, Any]) -> None:
    carrier = reg["carrier"]
    client = web(reg["reader"])
    page = client.get("/secrecy/", {"q": "年终"})
    assert carrier.register_number in page.content.decode()
    detail = client.get(f"/secrecy/carriers/{carrier.public_id}/")
    assert detail.status_code == 200
    assert "机密★20年" in detail.content.decode()
    assert 'id="carrier-issue"' not in detail.content.decode()  # only the clerk moves it
    assert AuditEvent.objects.filter(action="secrecy.carrier.view", object_id=carrier.public_id).count() == 1
    api(reg["reader"].user).get(f"/api/v1/secrecy/carriers/{carrier.public_id}")
    assert AuditEvent.objects.filter(action="secrecy.carrier.view", object_id=carrier.public_id).count() == 2
    before = _state()
    refused = client.post(f"/secrecy/carriers/{carrier.public_id}/move/", {"to": reg["reader2"].public_id})
    assert refused.status_code == 403
    assert _state() == before
    moved = api(reg["reader"].user).post(
        f"/api/v1/secrecy/carriers/{carrier.public_id}/moves", {"to": reg["reader2"].public_id}, "application/json"
    )
    assert moved.status_code == 403
    assert _state() == before


def test_sec_02_clerk_circulates_through_pages_and_api(reg: dict[str, Any]) -> None:
    carrier, clerk = reg["carrier"], reg["clerk"]
    client = web(clerk)
    page = client.get(f"/secrecy/carriers/{carrier.public_id}/").content.decode()
    assert 'id="carrier-issue"' in page
    assert reg["reader"].name in page
    assert reg["outsider"].name not in page
    client.post(f"/secrecy/carriers/{carrier.public_id}/move/", {"to": reg["reader"].public_id})
    carrier.refresh_from_db()
    assert carrier.holder == reg["reader"]
    sideways = api(clerk.user).post(
        f"/api/v1/secrecy/carriers/{carrier.public_id}/moves", {"to": reg["reader2"].public_id}, "application/json"
    )
    assert sideways.status_code == 422
    assert sideways.json()["violations"][0]["code"] == "SEC-02.no_horizontal_passing"
    back = api(clerk.user).post(
        f"/api/v1/secrecy/carriers/{carrier.public_id}/moves", {"to": clerk.public_id}, "application/json"
    )
    assert back.status_code == 201
    assert back.json()["kind"] == "return"
    detail = api(clerk.user).get(f"/api/v1/secrecy/carriers/{carrier.public_id}").json()
    assert detail["holder"] == clerk.public_id
    assert [m["kind"] for m in detail["custody"]] == [
        "receive",
        "issue",
        "return",
    ]
    assert AuditEvent.objects.filter(action="secrecy.carrier.move", object_id=carrier.public_id).count() == 2


def test_sec_01_clerk_registers_through_page_and_api(reg: dict[str, Any]) -> None:
    clerk = reg["clerk"]
    response = web(clerk).post(
        "/secrecy/carriers/new/",
        {**RECEIVE, "unit": reg["dept_a"].public_id, "scope_units": reg["dept_a"].public_id},
    )
    created = Carrier.objects.get(register_number="Z9")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/secrecy/carriers/{created.public_id}/")
    payload = {
        **RECEIVE,
        "copy_number": 2,
        "period_years": 11,
        "unit": reg["dept_a"].public_id,
        "scope_units": [reg["dept_a"].public_id],
    }
    refused = api(clerk.user).post("/api/v1/secrecy/carriers", payload, "application/json")
    assert refused.status_code == 422
    assert refused.json()["violations"][0]["code"] == "SEC-00.period_within_maximum"
    payload["period_years"] = 10
    assert api(clerk.user).post("/api/v1/secrecy/carriers", payload, "application/json").status_code == 201


def test_sec_02_clearances_set_by_the_security_administrator_or_the_clerk_only(reg: dict[str, Any]) -> None:
    low = reg["low"]
    for who in ("reader", "head_a", "sysadmin"):
        client = verified_client(_user(reg, who))
        assert client.get("/secrecy/clearances/").status_code == 404
        assert client.post("/secrecy/clearances/", {"person": low.public_id, "level": "top_secret"}).status_code == 404
        answer = api(_user(reg, who)).post(
            "/api/v1/secrecy/clearances", {"person": low.public_id, "level": "top_secret"}, "application/json"
        )
        assert answer.status_code == 404
    assert selectors.clearance_rank(low) == 1
    client = verified_client(reg["security"])
    assert client.get("/secrecy/clearances/").status_code == 200
    client.post("/secrecy/clearances/", {"person": low.public_id, "level": "secret"})
    assert selectors.clearance_rank(low) == 2
    # the clerk, for the people of their units; not for someone in another department
    clerk_api = api(reg["clerk"].user)
    assert clerk_api.post(
        "/api/v1/secrecy/clearances", {"person": low.public_id, "level": "top_secret"}, "application/json"
    ).json() == {"person": low.public_id, "level": "top_secret"}
    assert (
        clerk_api.post(
            "/api/v1/secrecy/clearances", {"person": reg["outsider"].public_id, "level": ""}, "application/json"
        ).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="secrecy.clearance.set").count() == 2
    # now cleared for 机密, low sees the carrier distributed to 办公室
    assert reg["carrier"] in selectors.carrier_list(user=low.user)
