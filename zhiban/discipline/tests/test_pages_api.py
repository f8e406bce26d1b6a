"""The discipline register's page and API: a manager records an absence, others are refused with nothing written,
nobody records one against themselves; the old addresses under /swaps/ and /api/v1/swaps/ still work."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from zhiban.accounts import services as account_services
from zhiban.accounts.tests.clients import client_for
from zhiban.core.models import AuditEvent
from zhiban.discipline import services
from zhiban.discipline.models import DisciplineRecord
from zhiban.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db
API = "/api/v1/discipline/absences"
OLD_API = "/api/v1/swaps/absences"


def _auth(person: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def _post(path: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return Client().post(path, body, content_type="application/json", headers=auth)


def _state() -> tuple[int, int]:
    return DisciplineRecord.objects.count(), AuditEvent.objects.count()


def test_the_page_records_for_the_team_lead_and_refuses_others(org_tree: dict[str, Any], team_lead: Any) -> None:
    data = {"person": org_tree["staff_a"].public_id, "day": "2026-12-07", "rule_id": "SWAP-06", "note": "未到岗"}
    before = _state()
    for other in ("staff_b", "head_b"):
        assert client_for(org_tree[other]).post(reverse("discipline:absence_record"), data).status_code == 403
    assert _state() == before
    response = client_for(team_lead).post(reverse("discipline:absence_record"), data)
    assert response["Location"] == reverse("discipline:register")
    (absence,) = DisciplineRecord.objects.all()
    assert (absence.kind, absence.person, absence.date, absence.rule_id) == (
        "absence",
        org_tree["staff_a"],
        dt.date(2026, 12, 7),
        "SWAP-06",
    )
    page = client_for(org_tree["staff_a"]).get(reverse("discipline:register")).content.decode()
    assert "纪律登记" in page
    assert "SWAP-06" in page
    assert "SWAP-06" not in client_for(org_tree["staff_b"]).get(reverse("discipline:register")).content.decode()
    (message,) = OutboxMessage.objects.filter(recipient=org_tree["staff_a"].user, channel="inbox")
    assert message.link == reverse("discipline:register")


def test_the_navigation_names_the_register(org_tree: dict[str, Any]) -> None:
    page = client_for(org_tree["staff_a"]).get("/").content.decode()
    assert reverse("discipline:register") in page
    assert "纪律登记" in page


def test_the_old_pages_redirect_to_the_register(org_tree: dict[str, Any], team_lead: Any) -> None:
    client = client_for(team_lead)
    response = client.get("/swaps/absences/?x=1")
    assert (response.status_code, response["Location"]) == (308, reverse("discipline:register") + "?x=1")
    data = {"person": org_tree["staff_a"].public_id, "day": "2026-12-07", "rule_id": "LEAVE-05"}
    response = client.post("/swaps/absences/record/", data, follow=True)
    assert response.redirect_chain[0] == (reverse("discipline:absence_record"), 308)
    assert DisciplineRecord.objects.get().rule_id == "LEAVE-05"
    assert Client().get("/swaps/absences/")["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("path", [API, OLD_API])
def test_the_api_records_for_a_manager_and_denies_whoever_does_not_manage(
    org_tree: dict[str, Any], team_lead: Any, path: str
) -> None:
    body = {"person": org_tree["staff_a"].public_id, "day": "2026-12-07", "rule_id": "SWAP-06"}
    head_b, lead = _auth(org_tree["head_b"]), _auth(team_lead)
    before = _state()
    assert _post(path, body, head_b).status_code == 403
    assert _state() == before
    created = _post(path, body, lead)
    assert created.status_code == 201
    assert created.json()["kind"] == "absence"
    listed = Client().get(path, headers=_auth(org_tree["staff_a"])).json()
    assert [a["public_id"] for a in listed] == [created.json()["public_id"]]
    assert Client().get(path, headers=_auth(org_tree["staff_b"])).json() == []


def test_the_old_api_paths_are_deprecated_in_the_document() -> None:
    document = Client().get("/api/openapi.json").json()
    assert document["paths"][OLD_API]["get"]["deprecated"] is True
    assert document["paths"][OLD_API]["post"]["deprecated"] is True
    assert not document["paths"][API]["post"].get("deprecated")


def test_nobody_records_an_absence_against_themselves(org_tree: dict[str, Any]) -> None:
    head = org_tree["head_a"]
    auth = _auth(head)
    before = _state()
    with pytest.raises(PermissionDenied, match=r"matter of their own|与本人有关"):
        services.absence_record(
            actor=head.user,
            person=head,
            day=dt.date(2026, 11, 19),
            shift_type=None,
            rule_id="LEAVE-05",
            subject_type="",
            subject_id=None,
        )
    assert _state() == before
    for path in (API, OLD_API):
        response = _post(path, {"person": head.public_id, "day": "2026-11-19", "rule_id": "LEAVE-05"}, auth)
        assert response.status_code == 403
    assert _state() == before
