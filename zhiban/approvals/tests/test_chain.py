"""Approval chains: level by level, parallel steps, who may decide, rejection, the inbox, overdue reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from zhiban.accounts import services as account_services
from zhiban.accounts.tests.clients import client_for
from zhiban.approvals import selectors, services
from zhiban.approvals.models import ApprovalStep
from zhiban.approvals.steps import StepSpec
from zhiban.approvals.subjects import _SUBJECTS, register_subject
from zhiban.notify.models import OutboxMessage
from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def tree(org_tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    tree = dict(org_tree)
    for name, role, unit in [
        ("lead_a", Role.STATION_HEAD, tree["station_a"]),
        ("lead_b", Role.STATION_HEAD, tree["station_b"]),
        ("regional", Role.REGIONAL_LEADER, tree["org"]),
    ]:
        person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name))
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
        tree[name] = person
    register_subject("test", title=lambda pk: f"测试申请{pk}", url=lambda pk: f"/test/{pk}/")
    yield tree
    _SUBJECTS.pop("test", None)


def _chain(tree: dict[str, Any], subject_id: int = 1, wait_hours: int | None = None) -> list[ApprovalStep]:
    return services.chain_start(
        subject_type="test",
        subject_id=subject_id,
        organisation=tree["org"],
        steps=[
            StepSpec(1, Role.STATION_HEAD, tree["station_a"], "SWAP-01", "甲方班长同意", "team lead A"),
            StepSpec(1, Role.STATION_HEAD, tree["station_b"], "SWAP-01", "乙方班长同意", "team lead B"),
            StepSpec(2, Role.REGIONAL_LEADER, tree["station_a"], "LEAVE-03", "区域领导审批", "regional leader"),
        ],
        parties=[tree["staff_a"]],
        wait_hours=wait_hours,
    )


def _decide(tree: dict[str, Any], who: str, approve: bool = True, comment: str = "") -> services.Decision:
    return services.step_decide(
        actor=tree[who].user, subject_type="test", subject_id=1, approve=approve, comment=comment
    )


def test_parallel_level_then_the_next_level(tree: dict[str, Any]) -> None:
    _chain(tree)
    assert {s.label_zh for s in selectors.current_steps("test", 1)} == {"甲方班长同意", "乙方班长同意"}
    assert _decide(tree, "lead_a").outcome == "pending"
    assert [s.label_zh for s in selectors.current_steps("test", 1)] == ["乙方班长同意"]
    assert _decide(tree, "lead_b").outcome == "pending"
    assert [s.label_zh for s in selectors.current_steps("test", 1)] == ["区域领导审批"]
    assert _decide(tree, "regional").outcome == "approved"
    assert selectors.current_steps("test", 1) == []


def test_a_later_level_cannot_decide_before_its_turn(tree: dict[str, Any]) -> None:
    _chain(tree)
    with pytest.raises(PermissionDenied):
        _decide(tree, "regional")
    assert not ApprovalStep.objects.exclude(status="pending").exists()


def test_someone_without_the_role_cannot_decide(tree: dict[str, Any]) -> None:
    _chain(tree)
    with pytest.raises(PermissionDenied):
        _decide(tree, "staff_a")
    _decide(tree, "lead_a")
    with pytest.raises(PermissionDenied):  # lead_a's own step is done; lead_b's is not theirs
        _decide(tree, "lead_a")


def test_rejection_needs_a_reason_and_closes_the_chain(tree: dict[str, Any]) -> None:
    _chain(tree)
    with pytest.raises(ValidationError) as missing:
        _decide(tree, "lead_a", approve=False)
    assert "comment" in missing.value.message_dict
    assert _decide(tree, "lead_a", approve=False, comment="人手不足").outcome == "rejected"
    assert set(ApprovalStep.objects.values_list("status", flat=True)) == {"rejected", "cancelled"}
    with pytest.raises(ValidationError):
        _decide(tree, "lead_b")


def test_cancel_stops_every_waiting_step(tree: dict[str, Any]) -> None:
    _chain(tree)
    assert services.chain_cancel(subject_type="test", subject_id=1) == 3
    assert selectors.inbox(tree["lead_a"].user) == []


def test_a_second_chain_while_one_waits_is_refused(tree: dict[str, Any]) -> None:
    _chain(tree)
    with pytest.raises(ValidationError):
        _chain(tree)


def test_inbox_shows_only_steps_of_the_current_level(tree: dict[str, Any]) -> None:
    _chain(tree)
    assert [s.label_zh for s in selectors.inbox(tree["lead_a"].user)] == ["甲方班长同意"]
    assert selectors.inbox(tree["regional"].user) == []
    _decide(tree, "lead_a")
    _decide(tree, "lead_b")
    assert [s.label_zh for s in selectors.inbox(tree["regional"].user)] == ["区域领导审批"]
    assert selectors.inbox(None) == []


def test_approvers_of_the_first_level_are_told(tree: dict[str, Any]) -> None:
    _chain(tree)
    told = set(OutboxMessage.objects.values_list("recipient__username", flat=True))
    assert told == {"lead_a", "lead_b"}
    _decide(tree, "lead_a")
    _decide(tree, "lead_b")
    assert "regional" in set(OutboxMessage.objects.values_list("recipient__username", flat=True))


def test_overdue_steps_are_reminded_once(tree: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        _chain(tree, wait_hours=24)
    with time_machine.travel(NOW + dt.timedelta(hours=23, minutes=59), tick=False):
        assert services.overdue_remind(NOW + dt.timedelta(hours=23, minutes=59)) == 0
    later = NOW + dt.timedelta(hours=24)
    with time_machine.travel(later, tick=False):
        assert services.overdue_remind(later) == 2  # the two current steps, not the regional one
        assert services.overdue_remind(later) == 0
    assert OutboxMessage.objects.filter(subject__startswith="审批超时提醒").count() >= 2


def test_inbox_page_and_api_list_what_waits(tree: dict[str, Any]) -> None:
    _chain(tree)
    page = client_for(tree["lead_a"]).get(reverse("approvals:inbox"))
    assert page.status_code == 200
    assert "测试申请1" in page.content.decode()
    assert "/test/1/" in page.content.decode()
    empty = client_for(tree["staff_a"]).get(reverse("approvals:inbox"))
    assert "测试申请1" not in empty.content.decode()
    api = Client().get("/api/v1/approvals/inbox", headers=_auth(tree["lead_b"]))
    assert api.status_code == 200
    assert [item["step"] for item in api.json()] == ["乙方班长同意"]
    assert Client().get("/api/v1/approvals/inbox", headers=_auth(tree["staff_a"])).json() == []
    assert Client().get("/api/v1/approvals/inbox").status_code == 401


def _auth(person: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def test_a_later_level_waits_from_when_it_begins(tree: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        _chain(tree, wait_hours=24)
    decided = NOW + dt.timedelta(hours=30)  # the first level was slow; the regional leader's wait starts now
    with time_machine.travel(decided, tick=False):
        _decide(tree, "lead_a")
        _decide(tree, "lead_b")
    (regional,) = selectors.current_steps("test", 1)
    assert regional.wait_until == decided + dt.timedelta(hours=24)
    assert services.overdue_remind(decided + dt.timedelta(hours=23, minutes=59)) == 0
    assert services.overdue_remind(decided + dt.timedelta(hours=24)) == 1


def test_inbox_reads_a_fixed_number_of_queries(tree: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.inbox(tree["lead_a"].user)
        return len(queries)

    _chain(tree, subject_id=1)
    _chain(tree, subject_id=2)
    few = count()
    for subject_id in range(3, 13):
        _chain(tree, subject_id=subject_id)
    assert len(selectors.inbox(tree["lead_a"].user)) == 12
    assert count() == few
