"""API for units and people: bearer tokens; the same scopes as the UI; nothing leaks."""

import pytest
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.org.models import Person
from zhiban.org.tests.factories import JobTypeFactory

pytestmark = pytest.mark.django_db


def bearer(person: Person) -> dict[str, str]:
    assert person.user is not None
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/people"])
def test_anonymous_and_wrong_tokens_are_refused(org_tree: dict, path: str) -> None:
    client = Client()
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer zb_wrong"}).status_code == 401


def test_revoked_token_is_refused(org_tree: dict) -> None:
    head = org_tree["head_a"]
    token, plain = account_services.access_token_create(actor=None, user=head.user, name="t", second_factor_passed=True)
    client = Client()
    assert client.get("/api/v1/people", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    account_services.access_token_revoke(actor=head.user, token=token)
    assert client.get("/api/v1/people", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_people_list_and_search_are_scoped(org_tree: dict) -> None:
    client = Client()
    headers = bearer(org_tree["head_a"])
    body = client.get("/api/v1/people", headers=headers).json()
    assert {p["name"] for p in body["items"]} == {"head_a", "staff_a"}
    body = client.get("/api/v1/people", {"q": "staff"}, headers=headers).json()
    assert [p["name"] for p in body["items"]] == ["staff_a"]
    person = client.get(f"/api/v1/people/{org_tree['staff_a'].public_id}", headers=headers).json()
    assert person["unit"] == org_tree["station_a"].public_id


def test_other_departments_objects_are_not_found(org_tree: dict) -> None:
    client = Client()
    headers = bearer(org_tree["head_a"])
    assert client.get(f"/api/v1/people/{org_tree['staff_b'].public_id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/units/{org_tree['dept_b'].public_id}", headers=headers).status_code == 404
    units = {u["name"] for u in client.get("/api/v1/units", headers=headers).json()["items"]}
    assert units == {"办公室", "一站"}


def test_openapi_document_is_served() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/people" in document["paths"]
    assert "BearerToken" in document["components"]["securitySchemes"]


def _counts() -> tuple[int, int, int]:
    from zhiban.core.models import AuditEvent
    from zhiban.org.models import RoleAssignment

    return Person.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()


def test_head_creates_updates_and_gives_roles_through_the_api(org_tree_bureau: dict) -> None:
    JobTypeFactory.create(code="operator", name="话务员")
    client = Client()
    headers = bearer(org_tree_bureau["head_a"])
    station = org_tree_bureau["station_a"].public_id
    created = client.post(
        "/api/v1/people",
        {"employee_number": "API1", "name": "接口新人", "unit": station, "job_type": "operator", "grade": 2},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["unit"] == station
    assert body["job_type"] == "operator"
    changed = client.patch(
        f"/api/v1/people/{body['public_id']}",
        {"mobile": "13600000000"},
        content_type="application/json",
        headers=headers,
    )
    assert changed.status_code == 200
    assert changed.json()["mobile"] == "13600000000"
    assert changed.json()["grade"] == 2
    role = client.post(
        f"/api/v1/people/{body['public_id']}/roles",
        {"role": "duty_officer", "unit": station},
        content_type="application/json",
        headers=headers,
    )
    assert role.status_code == 201
    assert role.json()["roles"] == ["duty_officer"]


def test_org_03_api_refusal_carries_the_rule_code_and_citation(org_tree_bureau: dict) -> None:
    client = Client()
    headers = bearer(org_tree_bureau["head_a"])
    station = org_tree_bureau["station_a"].public_id
    guard = client.post(
        "/api/v1/people",
        {"employee_number": "G1", "name": "保安甲", "unit": station, "kind": "guard"},
        content_type="application/json",
        headers=headers,
    ).json()
    before = _counts()
    refused = client.post(
        f"/api/v1/people/{guard['public_id']}/roles",
        {"role": "duty_officer", "unit": station},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "rule_violation"
    assert body["violations"][0]["rule_id"] == "ORG-03"
    assert "P1" in body["detail"][0]
    assert _counts() == before


def test_api_writes_outside_scope_or_with_bad_fields_change_nothing(org_tree: dict) -> None:
    client = Client()
    headers = bearer(org_tree["head_a"])
    staff = bearer(org_tree["staff_a"])
    before = _counts()
    other_unit = client.post(
        "/api/v1/people",
        {"employee_number": "X9", "name": "越权", "unit": org_tree["dept_b"].public_id},
        content_type="application/json",
        headers=headers,
    )
    assert other_unit.status_code == 422
    assert "unit" in other_unit.json()["errors"]
    other_person = client.patch(
        f"/api/v1/people/{org_tree['staff_b'].public_id}",
        {"name": "改"},
        content_type="application/json",
        headers=headers,
    )
    assert other_person.status_code == 404
    bad_kind = client.post(
        "/api/v1/people",
        {"employee_number": "X8", "name": "坏", "unit": org_tree["station_a"].public_id, "kind": "alien"},
        content_type="application/json",
        headers=headers,
    )
    assert bad_kind.status_code == 422
    assert "kind" in bad_kind.json()["errors"]
    unprivileged = client.patch(
        f"/api/v1/people/{org_tree['staff_a'].public_id}",
        {"name": "自改"},
        content_type="application/json",
        headers=staff,
    )
    assert unprivileged.status_code == 404
    anonymous = client.post("/api/v1/people", {}, content_type="application/json")
    assert anonymous.status_code == 401
    assert _counts() == before
