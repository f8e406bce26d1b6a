"""The three request kinds of the leave app — leave, substitution (顶替), compensatory rest (补休) — through the one
lifecycle (approvals/lifecycle.py) on their services, pages and API: the same steps, states, refusals and audit
actions for each, in each kind's words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from zhiban.accounts.tests.clients import client_for
from zhiban.approvals import lifecycle
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals.lifecycle import StateRefused
from zhiban.approvals.models import ApprovalStep
from zhiban.core.models import AuditEvent
from zhiban.leave import services
from zhiban.leave.models import RequestStatus, RestRequest, Substitution
from zhiban.notify.models import OutboxMessage
from zhiban.org.tests.factories import UserFactory
from zhiban.roster import services as roster_services
from zhiban.roster.models import RosterPeriod
from zhiban.roster.tests.conftest import fill_day

from .conftest import DAY
from .test_api_and_views import bearer
from .test_services import file_leave

SATURDAY = dt.date(2026, 12, 5)  # staff_a's duty that day earns a compensatory-rest credit (ROS-07)


@pytest.fixture
def world(roster_org: dict[str, Any], period: RosterPeriod, colleague: Any) -> dict[str, Any]:
    """staff_a on duty on Saturday 5 and Monday 7 December (published); colleague may take the Monday."""
    for day in (SATURDAY, DAY):
        fill_day(roster_org, period, day)
    roster_services.period_publish(actor=roster_org["secretary"].user, period=period)
    period.refresh_from_db()
    return {**roster_org, "period": period, "colleague": colleague}


@dataclass(frozen=True)
class KindCase:
    """One kind: how a test files it, decides and withdraws it, and where its page and API are."""

    name: str
    noun: str
    audit: str
    subject_type: str
    file: Callable[[dict[str, Any]], Any]
    decide: Callable[..., Any]
    cancel: Callable[..., Any]
    page: str
    api: str
    rejected: str  # how the person is told of a rejection


def _file_substitution(w: dict[str, Any]) -> Substitution:
    return services.substitution_file(
        actor=w["staff_a"].user,
        person=w["staff_a"],
        period=w["period"],
        day=DAY,
        shift_type=w["duty"],
        post="duty_officer",
        substitute=w["colleague"],
        reason="出差",
    )


def _file_rest(w: dict[str, Any]) -> RestRequest:
    return services.rest_request_file(
        actor=w["staff_a"].user, person=w["staff_a"], day=dt.date(2026, 12, 10), days="0.5"
    )


KINDS = [
    KindCase(
        "leave",
        "请假",
        "leave.request",
        "leave",
        file_leave,
        lambda actor, row, **kw: services.leave_decide(actor=actor, leave=row, **kw),
        lambda actor, row: services.leave_cancel(actor=actor, leave=row),
        "/leave/{}/",
        "/api/v1/leave/requests/{}",
        "请假未获批准：事假",
    ),
    KindCase(
        "substitution",
        "顶替申请",
        "leave.substitution",
        "substitution",
        _file_substitution,
        lambda actor, row, **kw: services.substitution_decide(actor=actor, substitution=row, **kw),
        lambda actor, row: services.substitution_cancel(actor=actor, substitution=row),
        "/leave/substitutions/{}/",
        "/api/v1/leave/substitutions/{}",
        "顶替值班未获同意：colleague顶替staff_a",
    ),
    KindCase(
        "rest",
        "补休申请",
        "leave.rest",
        "rest",
        _file_rest,
        lambda actor, row, **kw: services.rest_request_decide(actor=actor, request=row, **kw),
        lambda actor, row: services.rest_request_cancel(actor=actor, request=row),
        "/leave/rest/{}/",
        "/api/v1/leave/rest-requests/{}",
        "补休未获批准：12月10日",
    ),
]
kinds = pytest.mark.parametrize("case", KINDS, ids=[k.name for k in KINDS])


def _state(row: Any) -> tuple[Any, ...]:
    """What a refused call must leave as it was."""
    return (
        type(row).objects.get(pk=row.pk).status,
        sorted(ApprovalStep.objects.values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


def _actions(public_id: str) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=public_id).order_by("sequence").values_list("action", flat=True))


def test_the_request_statuses_are_the_machines_states() -> None:
    """LeaveRequest, Substitution and RestRequest store their status with the lifecycle's values."""
    assert set(RequestStatus.values) == set(lifecycle.STATES) - {lifecycle.NEW}


@kinds
def test_filing_waits_for_the_department_head_and_withdrawing_closes_the_chain(case: KindCase, world: dict) -> None:
    row = case.file(world)
    assert (row.status, row.filed_by, row.organisation) == ("pending", world["staff_a"].user, world["org"])
    (step,) = approval_selectors.steps_of(case.subject_type, row.pk)
    assert (step.status, step.parties) == ("pending", sorted(p.pk for p in _parties(row)))
    case.cancel(world["staff_a"].user, row)
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert [s.status for s in approval_selectors.steps_of(case.subject_type, row.pk)] == ["cancelled"]
    assert _actions(row.public_id) == [f"{case.audit}.file", f"{case.audit}.cancel"]


def _parties(row: Any) -> list[Any]:
    return [row.person, row.substitute] if isinstance(row, Substitution) else [row.person]


@kinds
def test_a_withdrawn_request_is_neither_decided_nor_withdrawn_again_and_the_refusal_names_its_state(
    case: KindCase, world: dict
) -> None:
    row = case.file(world)
    case.cancel(world["staff_a"].user, row)
    before = _state(row)
    with pytest.raises(StateRefused) as decided:
        case.decide(world["head_a"].user, row, approve=True)
    assert decided.value.messages == [f"这份{case.noun}已撤回，不能再审批"]  # was 这份…已已撤回 (the label doubled 已)
    with pytest.raises(StateRefused) as withdrawn:
        case.cancel(world["staff_a"].user, row)
    assert withdrawn.value.messages[0].startswith(f"只有待审批的{case.noun}可以撤回")
    assert _state(row) == before


@kinds
def test_a_rejection_is_dated_told_and_audited_as_a_rejection(case: KindCase, world: dict) -> None:
    row = case.file(world)
    decided = case.decide(world["head_a"].user, row, approve=False, comment="人手不足")
    assert (decided.status, decided.decided_at is not None) == ("rejected", True)
    event = AuditEvent.objects.get(object_id=row.public_id, action=f"{case.audit}.reject")
    told = OutboxMessage.objects.filter(recipient=world["staff_a"].user, subject__startswith=case.rejected)
    assert told.count() == 1
    summary = event.summary
    assert (summary["before"], summary["after"]) == ({"status": "pending"}, {"status": "rejected"})
    assert summary["comment"] == "人手不足"
    assert summary["step"] == approval_selectors.steps_of(case.subject_type, row.pk)[0].label_zh


@kinds
def test_nobody_decides_their_own_request_and_only_a_person_of_the_organisation_decides(
    case: KindCase, world: dict
) -> None:
    row = case.file(world)
    before = _state(row)
    administrator = UserFactory.create(username="administrator", admin_role="system")
    for who in (world["staff_a"].user, administrator):
        with pytest.raises(PermissionDenied):
            case.decide(who, row, approve=True)
    assert _state(row) == before


@kinds
def test_someone_else_may_not_withdraw_it(case: KindCase, world: dict) -> None:
    row = case.file(world)
    before = _state(row)
    with pytest.raises(PermissionDenied):
        case.cancel(world["staff_b"].user, row)
    assert _state(row) == before


@kinds
def test_the_page_shows_the_buttons_the_lifecycle_allows_and_confirms_a_withdrawal(case: KindCase, world: dict) -> None:
    row = case.file(world)
    page = case.page.format(row.public_id)
    mine, head = client_for(world["staff_a"]), client_for(world["head_a"])
    assert "/cancel/" in mine.get(page).content.decode()
    assert "/decide/" not in mine.get(page).content.decode()  # not their own
    assert "/decide/" in head.get(page).content.decode()
    withdrawn = mine.post(page + "cancel/", follow=True).content.decode()
    assert "申请已撤回。" in withdrawn  # substitutions and rest said nothing before
    assert "/cancel/" not in mine.get(page).content.decode()
    refused = head.post(page + "decide/", {"decision": "approve"}, follow=True).content.decode()
    assert f"这份{case.noun}已撤回，不能再审批" in refused


@kinds
def test_the_api_answers_a_state_refusal_422_naming_the_status_field(case: KindCase, world: dict) -> None:
    row = case.file(world)
    case.cancel(world["staff_a"].user, row)
    client = Client()
    response = client.post(
        case.api.format(row.public_id) + "/decide",
        {"approve": True},
        content_type="application/json",
        headers=bearer(world["head_a"]),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {"status": [f"这份{case.noun}已撤回，不能再审批"]}
    again = client.post(
        case.api.format(row.public_id) + "/cancel",
        {},
        content_type="application/json",
        headers=bearer(world["staff_a"]),
    )
    assert again.status_code == 422
    assert again.json()["errors"]["status"][0].startswith(f"只有待审批的{case.noun}可以撤回")
