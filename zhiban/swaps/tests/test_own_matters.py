"""Nobody decides, records or approves a matter of their own: a team lead's own swap goes to the department head,
the lead cannot decide it (service or API) nor see it in the inbox; nobody judges their own swap. (Nobody records
an absence against themselves: zhiban/discipline/tests.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from zhiban.accounts import services as account_services
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals.models import ApprovalStep
from zhiban.org.models import Role
from zhiban.swaps import services
from zhiban.swaps.models import SwapRequest
from zhiban.swaps.tests.conftest import Centre, _person
from zhiban.swaps.tests.test_services import _state, ask, dec, holder

pytestmark = pytest.mark.django_db
OWN = "matter of their own|与本人有关"  # the refusal, in English or Chinese


def _auth(person: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def leads_own_swap(centre: Centre) -> tuple[Centre, SwapRequest]:
    """lead_a (the only team lead of 一班) asks li (二班) to take his early shift of the 13th for li's of the 8th."""
    c = centre
    c["head"] = _person("head", c["dept"], role=Role.DEPARTMENT_HEAD)
    c.put(c["lead_a"], dec(13), "early")
    c.put(c["li"], dec(8), "early")
    c.publish()
    return c, services.swap_accept(actor=c["li"].user, swap=ask(c, "lead_a", 13, "li", back=8))


def test_swap_01_a_team_lead_s_own_swap_goes_to_the_department_head(
    leads_own_swap: tuple[Centre, SwapRequest],
) -> None:
    c, swap = leads_own_swap
    steps = ApprovalStep.objects.filter(subject_type="swap", subject_id=swap.pk).order_by("id")
    assert [(s.role, s.unit.name) for s in steps] == [(Role.DEPARTMENT_HEAD, "一班"), (Role.TEAM_LEAD, "二班")]
    assert sorted(steps[0].parties) == sorted([c["lead_a"].pk, c["li"].pk])
    assert approval_selectors.inbox(c["lead_a"].user) == []
    assert [s.pk for s in approval_selectors.inbox(c["head"].user)] == [steps[0].pk]
    services.swap_decide(actor=c["head"].user, swap=swap, approve=True)
    swap = services.swap_decide(actor=c["lead_b"].user, swap=swap, approve=True)
    assert swap.status == SwapRequest.Status.DONE
    assert (holder(c, 13), holder(c, 8)) == ("li", "lead_a")


def test_a_team_lead_cannot_approve_his_own_swap_and_nothing_changes(
    leads_own_swap: tuple[Centre, SwapRequest],
) -> None:
    c, swap = leads_own_swap
    before = _state()
    with pytest.raises(PermissionDenied, match=OWN):
        services.swap_decide(actor=c["lead_a"].user, swap=swap, approve=True)
    assert _state() == before
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED


def test_a_team_lead_cannot_approve_his_own_swap_through_the_api(leads_own_swap: tuple[Centre, SwapRequest]) -> None:
    c, swap = leads_own_swap
    auth = _auth(c["lead_a"])
    before = _state()
    response = Client().post(
        f"/api/v1/swaps/{swap.public_id}/decide", {"approve": True}, content_type="application/json", headers=auth
    )
    assert response.status_code == 403
    assert _state() == before
    assert ApprovalStep.objects.filter(subject_type="swap", status="approved").count() == 0


def test_the_colleague_who_is_a_team_lead_cannot_approve_the_swap_he_accepted(centre: Centre) -> None:
    c = centre
    c.put(c["wang"], dec(7), "early")
    c.put(c["lead_b"], dec(8), "early")
    c.publish()
    swap = ask(c, "wang", 7, "lead_b", back=8)
    with pytest.raises(Exception, match="没有班长"):  # 二班's only lead is a party, and no department head exists
        services.swap_accept(actor=c["lead_b"].user, swap=swap)
    c["head"] = _person("head", c["dept"], role=Role.DEPARTMENT_HEAD)
    swap = services.swap_accept(actor=c["lead_b"].user, swap=swap)
    before = _state()
    with pytest.raises(PermissionDenied, match=OWN):
        services.swap_decide(actor=c["lead_b"].user, swap=swap, approve=True)
    assert _state() == before
