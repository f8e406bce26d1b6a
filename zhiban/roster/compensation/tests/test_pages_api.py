"""Rest and allowance pages and endpoints: who may see and record what (anonymous, unprivileged, another
department's head: refused or nothing, nothing changed); the xlsx allowance table."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhiban.accounts import services as account_services
from zhiban.accounts.second_factor import requires_second_factor
from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.roster.compensation import selectors
from zhiban.roster.compensation.models import RestCredit, RestTaking

pytestmark = pytest.mark.django_db


def _client(person: Any | None) -> Client:
    """Anonymous, or signed in (privileged accounts past their second factor)."""
    if person is not None and requires_second_factor(person.user):
        return verified_client(person.user)
    client = Client()
    if person is not None:
        client.force_login(person.user)
    return client


def _auth(person: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def _state() -> tuple[Any, ...]:
    return (
        list(RestCredit.objects.order_by("id").values_list("days", "taken", "expired")),
        RestTaking.objects.count(),
        AuditEvent.objects.count(),
    )


def test_ros_07_balances_page_shows_each_their_own(roster_org: dict[str, Any], published: Any) -> None:
    url = reverse("roster:compensatory_rest_balances") + "?month=2026-12"
    assert _client(None).get(url).status_code == 302
    head_a = _client(roster_org["head_a"]).get(url).content.decode()
    assert "staff_a" in head_a
    assert "leader" not in head_a
    secretary = _client(roster_org["secretary"]).get(url).content.decode()
    assert "staff_a" in secretary
    assert "leader" in secretary
    for outsider in ("head_b", "staff_b"):
        page = _client(roster_org[outsider]).get(url).content.decode()
        assert "staff_a" not in page
    assert "staff_a" in _client(roster_org["staff_a"]).get(url).content.decode()  # their own balance
    assert (
        _client(roster_org["head_a"]).get(reverse("roster:compensatory_rest_balances") + "?month=12-2026").status_code
        == 404
    )


def test_ros_07_person_page_and_recording_rest(roster_org: dict[str, Any], published: Any) -> None:
    staff_a = roster_org["staff_a"]
    page = reverse("roster:compensatory_rest_person", args=[staff_a.public_id])
    take = reverse("roster:compensatory_rest_take", args=[staff_a.public_id])
    before = _state()
    assert _client(None).get(page).status_code == 302
    assert _client(None).post(take, {"day": "2026-12-10", "days": "1"}).status_code == 302
    for name in ("head_b", "staff_b"):
        assert _client(roster_org[name]).get(page).status_code == 404
        assert _client(roster_org[name]).post(take, {"day": "2026-12-10", "days": "1"}).status_code == 404
    own = _client(staff_a)
    assert own.get(page).status_code == 200
    assert "rest-take-form" not in own.get(page).content.decode()
    assert own.post(take, {"day": "2026-12-10", "days": "1"}).status_code == 403
    assert _state() == before
    head = _client(roster_org["head_a"])
    assert "rest-take-form" in head.get(page).content.decode()
    refused = head.post(take, {"day": "2026-12-10", "days": "1.5"}, follow=True).content.decode()
    assert "ROS-07" in refused
    assert _state() == before
    assert head.post(take, {"day": "2026-12-10", "days": "1"}).status_code == 302
    assert selectors.open_balance(staff_a) == Decimal("0")


def test_ros_07_api_refuses_outsiders_and_cites_the_rule(roster_org: dict[str, Any], published: Any) -> None:
    staff_a = roster_org["staff_a"]
    client = Client()
    credits = f"/api/v1/roster/compensatory-rest/people/{staff_a.public_id}/credits"
    taken = f"/api/v1/roster/compensatory-rest/people/{staff_a.public_id}/taken"
    body = {"day": "2026-12-10", "days": "1"}
    tokens = {name: _auth(roster_org[name]) for name in ("head_b", "staff_b", "staff_a", "head_a")}
    before = _state()
    assert client.get("/api/v1/roster/compensatory-rest/balances?month=2026-12").status_code == 401
    assert client.get(credits).status_code == 401
    assert client.post(taken, body, content_type="application/json").status_code == 401
    for name in ("head_b", "staff_b"):
        headers = tokens[name]
        assert client.get("/api/v1/roster/compensatory-rest/balances?month=2026-12", headers=headers).json() == []
        assert client.get(credits, headers=headers).status_code == 404
        assert client.post(taken, body, content_type="application/json", headers=headers).status_code == 404
    own = tokens["staff_a"]
    assert client.post(taken, body, content_type="application/json", headers=own).status_code == 403
    head = tokens["head_a"]
    over = client.post(taken, {**body, "days": "2"}, content_type="application/json", headers=head)
    assert over.status_code == 422
    (violation,) = over.json()["violations"]
    assert violation["code"] == "ROS-07.within_balance"  # cited by the engine: rule, pack, clause, version
    assert all(part in str(violation) for part in ("bureau", "P3", "二.3", "policy_version"))
    assert _state() == before
    made = client.post(taken, body, content_type="application/json", headers=head)
    assert made.status_code == 201
    assert Decimal(made.json()["open_balance"]) == Decimal("0")
    listed = client.get(credits, headers=head).json()
    assert [(c["date"], Decimal(c["taken"])) for c in listed] == [("2026-12-05", Decimal("1"))]
    balances = client.get("/api/v1/roster/compensatory-rest/balances?month=2026-12", headers=head).json()
    assert {b["person_name"] for b in balances} == {"staff_a", "head_a"}
    assert client.get("/api/v1/roster/compensatory-rest/balances?month=bad", headers=head).status_code == 422


def test_ros_08_allowance_page_xlsx_and_api(maintenance: dict[str, Any], org_tree: dict[str, Any]) -> None:
    org = maintenance["org"]
    page = reverse("roster:allowance_report", args=[org.public_id]) + "?month=2026-12"
    sheet = reverse("roster:allowance_xlsx", args=[org.public_id]) + "?month=2026-12"
    api = f"/api/v1/roster/allowance/{org.public_id}?month=2026-12"
    assert _client(None).get(page).status_code == 302
    assert _client(None).get(sheet).status_code == 302
    assert Client().get(api).status_code == 401
    for person in (maintenance["wang"], org_tree["head_a"], org_tree["head_b"]):
        assert _client(person).get(page).status_code == 404
        assert _client(person).get(sheet).status_code == 404
        assert Client().get(api, headers=_auth(person)).status_code == 404
    secretary = maintenance["secretary"]
    html = _client(secretary).get(page).content.decode()
    assert "维修公司2026年12月值班津贴表" in html
    assert "350.00" in html
    response = _client(secretary).get(sheet)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "维修公司2026年12月值班津贴表"
    assert rows[2] == (
        "序号",
        "姓名",
        "工作日下班后值班（次）",
        "周末值班（次）",
        "节假日值班（次）",
        "津贴合计（元）",
        "签名",
    )
    assert rows[3][:6] == (1, "王五", 1, 1, 0, 150)
    assert rows[4][:6] == (2, "赵六", 2, 1, 0, 200)
    assert rows[5][:6] == ("合计", None, 3, 2, 0, 350)
    data = Client().get(api, headers=_auth(secretary)).json()
    assert Decimal(data["total"]) == Decimal("350.00")
    assert Decimal(data["rates"]["weekend"]) == Decimal("100.00")


def test_ros_07_a_head_cannot_record_rest_taken_for_himself(roster_org: dict[str, Any], published: Any) -> None:
    head_a = roster_org["head_a"]
    taken = f"/api/v1/roster/compensatory-rest/people/{head_a.public_id}/taken"
    auth = _auth(head_a)
    assert selectors.open_balance(head_a) > 0  # he has credits to take: only the own-matter rule refuses
    before = _state()
    response = Client().post(taken, {"day": "2026-12-10", "days": "0.5"}, content_type="application/json", headers=auth)
    assert response.status_code == 403
    assert _state() == before
    secretary = Client().post(
        taken,
        {"day": "2026-12-10", "days": "0.5"},
        content_type="application/json",
        headers=_auth(roster_org["secretary"]),
    )
    assert secretary.status_code == 201


def test_the_old_rest_addresses_still_arrive(roster_org: dict[str, Any], published: Any) -> None:
    """The pages moved from /roster/rest/ (redirected, a POST kept a POST) and the API from /api/v1/roster/rest/
    (the same operations, marked deprecated in the document)."""
    staff_a, head = roster_org["staff_a"], _client(roster_org["head_a"])
    org = roster_org["org"].public_id
    for old, new in [
        ("/roster/rest/?month=2026-12", reverse("roster:compensatory_rest_balances") + "?month=2026-12"),
        (
            f"/roster/rest/people/{staff_a.public_id}/",
            reverse("roster:compensatory_rest_person", args=[staff_a.public_id]),
        ),
        (f"/roster/rest/allowance/{org}/xlsx/", reverse("roster:allowance_xlsx", args=[org])),
    ]:
        response = head.get(old)
        assert (response.status_code, response["Location"]) == (308, new)
    taken = head.post(f"/roster/rest/people/{staff_a.public_id}/take/", {"day": "2026-12-10", "days": "1"}, follow=True)
    assert taken.redirect_chain[0] == (reverse("roster:compensatory_rest_take", args=[staff_a.public_id]), 308)
    assert selectors.open_balance(staff_a) == Decimal("0")

    client, auth = Client(), _auth(roster_org["head_a"])
    at_old = client.get("/api/v1/roster/rest/balances?month=2026-12", headers=auth)
    at_new = client.get("/api/v1/roster/compensatory-rest/balances?month=2026-12", headers=auth)
    assert (at_old.status_code, at_old.json()) == (200, at_new.json())
    assert client.get(f"/api/v1/roster/rest/people/{staff_a.public_id}/credits").status_code == 401
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/balances", "/people/{public_id}/credits", "/people/{public_id}/taken"):
        for method, operation in paths[f"/api/v1/roster/rest{path}"].items():
            assert operation["deprecated"] is True, (path, method)
        assert not any(op.get("deprecated") for op in paths[f"/api/v1/roster/compensatory-rest{path}"].values())
