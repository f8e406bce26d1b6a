"""Policy API: bearer tokens; packs for every caller; the live policy only of the caller's organisation."""

import pytest
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.accounts.models import User
from zhiban.org.models import Person
from zhiban.policy.models import PolicyVersion
from zhiban.policy.services import policy_parameter_override
from zhiban.policy.tests.conftest import service_center_counts

pytestmark = pytest.mark.django_db


def bearer(who: Person | User) -> dict[str, str]:
    user = who.user if isinstance(who, Person) else who
    assert user is not None
    _token, plain = account_services.access_token_create(actor=None, user=user, name="test", second_factor_passed=True)
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize("path", ["/api/v1/policy/packs", "/api/v1/policy/packs/bureau", "/api/v1/policy/live"])
def test_anonymous_and_wrong_tokens_are_refused(live: dict, path: str) -> None:
    client = Client()
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer zb_wrong"}).status_code == 401


def test_packs_list_with_counts(live: dict) -> None:
    body = Client().get("/api/v1/policy/packs", headers=bearer(live["staff_a"])).json()
    assert [pack["id"] for pack in body] == [
        "bureau",
        "bureau-shifts",
        "company-shifts",
        "maintenance",
        "service-center",
    ]
    service = body[-1]
    assert (service["rules"], service["implemented"], service["planned"]) == service_center_counts()
    assert service["implemented"] >= 4
    assert service["sources"] == ["P7"]


def test_pack_detail_has_rules_with_parameters_checks_and_citations(live: dict) -> None:
    client = Client()
    body = client.get("/api/v1/policy/packs/service-center", headers=bearer(live["staff_a"])).json()
    swap = next(rule for rule in body["rule_list"] if rule["id"] == "SWAP-02")
    assert swap["status"] == "implemented"
    assert swap["citation"]["clause"] == "客服部换班制度 三"
    assert swap["citation"]["source_title"]["zh"] == "客户管理制度"
    assert swap["parameters"][0] == {
        "name": "max_per_month",
        "type": "int",
        "default": 2,
        "min": 0,
        "max": 31,
        "choices": [],
        "label": swap["parameters"][0]["label"],
    }
    assert swap["checks"][0]["severity"] == "enforce"
    assert client.get("/api/v1/policy/packs/army", headers=bearer(live["staff_a"])).status_code == 404


def test_live_policy_of_the_callers_organisation(live: dict) -> None:
    policy_parameter_override(actor=None, policy=live["policy"], rule_id="OPS-05", parameter="due", value="16:45")
    for who in ("staff_a", "head_b", "secretary"):
        body = Client().get("/api/v1/policy/live", headers=bearer(live[who])).json()
        assert body["public_id"] == live["policy"].public_id
        assert (body["pack"], body["version"]) == ("bureau", 2)
        assert body["overrides"] == {"OPS-05": {"due": "16:45"}}
        assert [v["number"] for v in body["versions"]] == [2, 1]
    other = Client().get("/api/v1/policy/live", headers=bearer(live["other_head"])).json()
    assert other["public_id"] == live["other_policy"].public_id
    assert other["pack"] == "maintenance"


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_no_organisation_no_live_policy(live: dict, who: str) -> None:
    """Administrators without a person record belong to no organisation; the API answers 404."""
    before = PolicyVersion.objects.count()
    assert Client().get("/api/v1/policy/live", headers=bearer(live[who])).status_code == 404
    assert PolicyVersion.objects.count() == before


def test_the_api_offers_no_way_to_write(live: dict) -> None:
    client = Client()
    headers = bearer(live["secretary"])
    before = PolicyVersion.objects.count()
    assert client.post("/api/v1/policy/live", {"x": 1}, headers=headers).status_code == 405
    assert client.put("/api/v1/policy/packs/bureau", {}, headers=headers).status_code == 405
    assert PolicyVersion.objects.count() == before
