"""Swaps API: the same checks as the pages — refusals are 422 with the rule codes, nothing changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.roster.models import RosterVersion
from zhiban.swaps.models import SwapRequest
from zhiban.swaps.tests.conftest import Centre
from zhiban.swaps.tests.test_services import _state, ask, dec, holder

pytestmark = pytest.mark.django_db
BASE = "/api/v1/swaps"


def _auth(person: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def _post(auth: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    return Client().post(f"{BASE}{path}", body, content_type="application/json", headers=auth)


def test_api_whole_swap_produces_a_new_roster_version(roster: Centre) -> None:
    c = roster
    duties = Client().get(f"{BASE}/duties", headers=_auth(c["wang"])).json()
    token = next(d["token"] for d in duties if d["date"] == "2026-12-07")
    created = _post(_auth(c["wang"]), "", {"duty": token, "colleague": c["li"].public_id})
    assert created.status_code == 201
    public_id = created.json()["public_id"]
    back = c.token(c["li"], dec(8), "early")
    assert _post(_auth(c["li"]), f"/{public_id}/accept", {"return_duty": back}).json()["status"] == "accepted"
    versions = RosterVersion.objects.count()
    assert _post(_auth(c["lead_a"]), f"/{public_id}/decide", {"approve": True}).json()["status"] == "accepted"
    done = _post(_auth(c["lead_b"]), f"/{public_id}/decide", {"approve": True}).json()
    assert done["status"] == "done"
    assert [s["status"] for s in done["approvals"]] == ["approved", "approved"]
    assert RosterVersion.objects.count() == versions + 1
    assert (holder(c, 7), holder(c, 8)) == ("li", "wang")
    register = Client().get(f"{BASE}/register?month=2026-12", headers=_auth(c["lead_b"])).json()
    assert [r["public_id"] for r in register] == [public_id]
    judged = _post(
        _auth(c["lead_a"]),
        f"/{public_id}/judge",
        {"which": "swapped", "requester_share": "0.6", "colleague_share": "0.4"},
    )
    assert judged.status_code == 201
    assert [Decimal(a["share"]) for a in judged.json()] == [Decimal("0.6"), Decimal("0.4")]


def test_swap_07_api_refusal_is_422_with_the_rule_code(roster: Centre) -> None:
    c = roster
    c.holiday(dec(7))
    wang = _auth(c["wang"])
    state = _state()
    response = _post(wang, "", {"duty": c.token(c["wang"], dec(7), "early"), "colleague": c["li"].public_id})
    assert response.status_code == 422
    assert [v["code"] for v in response.json()["violations"]] == ["SWAP-07.no_holiday_swap"]
    assert response.json()["violations"][0]["citation"]["clause"] == "客服部换班制度 九"
    assert _state() == state


def test_swap_04_open_board_in_the_api(roster: Centre) -> None:
    c = roster
    swap = ask(c, "wang", 7)
    assert [s["public_id"] for s in Client().get(f"{BASE}/board", headers=_auth(c["li"])).json()] == [swap.public_id]
    assert Client().get(f"{BASE}/board", headers=_auth(c["fixer"])).json() == []
    fixer = _auth(c["fixer"])
    state = _state()
    assert _post(fixer, f"/{swap.public_id}/accept", {}).status_code == 404
    assert _state() == state


@pytest.mark.parametrize("who", ["zhao", "li", "wang"])
def test_api_decisions_by_non_leads_are_denied_and_change_nothing(roster: Centre, who: str) -> None:
    c = roster
    swap = ask(c, "wang", 7, "li", back=8)
    _post(_auth(c["li"]), f"/{swap.public_id}/accept", {})
    auth = _auth(c[who])
    state = _state()
    response = _post(auth, f"/{swap.public_id}/decide", {"approve": True})
    assert response.status_code in (403, 404)
    assert _state() == state
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED


def test_api_refuses_anonymous_callers(roster: Centre) -> None:
    swap = ask(roster, "wang", 7, "li")
    state = _state()
    assert Client().get(BASE).status_code == 401
    assert Client().post(f"{BASE}/{swap.public_id}/withdraw").status_code == 401
    assert _state() == state
