"""API for units and people: bearer tokens; the same scopes as the UI; nothing leaks."""

import pytest
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.org.models import Person

pytestmark = pytest.mark.django_db


def bearer(person: Person) -> dict[str, str]:
    assert person.user is not None
    _token, plain = account_services.access_token_create(actor=None, user=person.user, name="test")
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/people"])
def test_anonymous_and_wrong_tokens_are_refused(org_tree: dict, path: str) -> None:
    client = Client()
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer zb_wrong"}).status_code == 401


def test_revoked_token_is_refused(org_tree: dict) -> None:
    head = org_tree["head_a"]
    token, plain = account_services.access_token_create(actor=None, user=head.user, name="t")
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
