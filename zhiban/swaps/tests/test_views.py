"""Swap pages: a whole swap through the browser's forms, refusals shown with their rule, and people who may not
act are refused with nothing changed."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhiban.accounts.tests.clients import client_for
from zhiban.swaps.models import SwapRequest
from zhiban.swaps.tests.conftest import Centre
from zhiban.swaps.tests.test_services import _state, ask, dec, holder

pytestmark = pytest.mark.django_db


def test_pages_ask_accept_approve_and_the_register(roster: Centre) -> None:
    c = roster
    wang, li = client_for(c["wang"]), client_for(c["li"])
    page = wang.get(reverse("swaps:new"))
    assert page.status_code == 200
    token = c.token(c["wang"], dec(7), "early")
    assert token in page.content.decode()
    response = wang.post(reverse("swaps:new"), {"duty": token, "colleague": c["li"].public_id, "reason": "家事"})
    swap = SwapRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("swaps:detail", args=[swap.public_id])
    detail = li.get(reverse("swaps:detail", args=[swap.public_id])).content.decode()
    assert 'id="swap-accept-form"' in detail
    li.post(reverse("swaps:accept", args=[swap.public_id]), {"return_duty": c.token(c["li"], dec(8), "early")})
    for lead_name in ("lead_a", "lead_b"):
        client = client_for(c[lead_name])
        assert 'id="swap-decide-form"' in client.get(reverse("swaps:detail", args=[swap.public_id])).content.decode()
        client.post(reverse("swaps:decide", args=[swap.public_id]), {"approve": "yes"})
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.DONE
    assert (holder(c, 7), holder(c, 8)) == ("li", "wang")
    lead = client_for(c["lead_a"])
    register = lead.get(reverse("swaps:register") + "?month=2026-12").content.decode()
    assert "wang" in register
    assert "li" in register
    xlsx = lead.get(reverse("swaps:register_xlsx") + "?month=2026-12")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.cell(1, 1).value == "客服中心2026年12月换班登记表"
    assert [sheet.cell(3, n).value for n in (2, 4)] == ["wang", "li"]
    for name in ("mine", "board", "debts"):
        assert lead.get(reverse(f"swaps:{name}")).status_code == 200


def test_swap_02_refusal_is_shown_on_the_form_with_its_rule(roster: Centre) -> None:
    c = roster
    ask(c, "wang", 7)
    ask(c, "wang", 11)
    state = _state()
    response = client_for(c["wang"]).post(
        reverse("swaps:new"), {"duty": c.token(c["wang"], dec(16), "early"), "colleague": ""}, follow=True
    )
    assert "SWAP-02" in response.content.decode()
    assert _state() == state


@pytest.mark.parametrize("who", ["zhao", "fixer", "lead_b"])
def test_people_outside_a_swap_cannot_see_or_act_on_it(roster: Centre, who: str) -> None:
    c = roster
    swap = ask(c, "wang", 7, "li")
    client = client_for(c[who])
    state = _state()
    status = client.get(reverse("swaps:detail", args=[swap.public_id])).status_code
    assert status == (200 if who == "lead_b" else 404)  # lead_b manages li
    for action in ("accept", "decline", "withdraw", "decide"):
        response = client.post(reverse(f"swaps:{action}", args=[swap.public_id]), {"approve": "yes"})
        assert response.status_code in (403, 404, 302)
    assert _state() == state
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.OPEN


def test_anonymous_visitors_are_sent_to_log_in(roster: Centre) -> None:
    swap = ask(roster, "wang", 7, "li")
    state = _state()
    for url in (reverse("swaps:mine"), reverse("swaps:detail", args=[swap.public_id])):
        assert Client().get(url).status_code == 302
    assert Client().post(reverse("swaps:withdraw", args=[swap.public_id])).status_code == 302
    assert _state() == state
