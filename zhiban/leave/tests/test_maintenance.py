"""Leave under the `maintenance` pack: LEAVE-02 length, LEAVE-03 chain by length with the manager's consent,
LEAVE-04 one per station, LEAVE-05 requests fewer than 2 days ahead refused (P2 二.3: 必须提前2天)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from zhiban.approvals import selectors as approval_selectors
from zhiban.core.models import AuditEvent
from zhiban.leave import services
from zhiban.leave.models import LeaveRequest
from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import RuleEvent
from zhiban.policy.services import policy_adopt

from .conftest import local

FILED = local(2026, 11, 20, 10)


def _person(name: str, unit: Any, role: str | None = None) -> Any:
    person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name))
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


@pytest.fixture
def maint(org_tree: dict[str, Any]) -> Any:
    with time_machine.travel(FILED, tick=False):
        policy_adopt(actor=None, organisation=org_tree["org"], pack_id="maintenance")
        tree = dict(org_tree)
        tree["station_head"] = _person("zhanzhang", tree["station_a"], Role.STATION_HEAD)
        tree["regional"] = _person("quyu", tree["dept_a"], Role.REGIONAL_LEADER)
        tree["mate"] = _person("mate", tree["station_a"])
        yield tree


def file(tree: dict[str, Any], person: str = "staff_a", **changes: Any) -> LeaveRequest:
    values: dict[str, Any] = {
        "actor": tree[person].user,
        "person": tree[person],
        "kind": "personal",
        "starts_at": local(2026, 12, 7, 8),
        "ends_at": local(2026, 12, 8, 20),
        "reason": "探亲",
    }
    values.update(changes)
    return services.leave_file(**values)


def chain(leave: LeaveRequest) -> list[tuple[int, str]]:
    return [(s.order, s.role) for s in approval_selectors.steps_of("leave", leave.pk)]


def test_leave_03_two_days_station_head_then_the_managers_consent(maint: dict) -> None:
    leave = file(maint)
    assert leave.working_days == 2
    assert chain(leave) == [(1, "station_head"), (2, "department_head")]
    services.leave_decide(actor=maint["station_head"].user, leave=leave, approve=True)
    assert LeaveRequest.objects.get(pk=leave.pk).status == "pending"
    services.leave_decide(actor=maint["head_a"].user, leave=leave, approve=True)
    assert LeaveRequest.objects.get(pk=leave.pk).status == "approved"


def test_leave_03_two_and_a_half_days_go_to_the_regional_leader(maint: dict) -> None:
    leave = file(maint, ends_at=local(2026, 12, 9, 12))
    assert leave.working_days == 2.5
    assert chain(leave) == [(1, "regional_leader"), (2, "department_head")]


def test_leave_02_seven_calendar_days_pass_and_eight_are_refused(maint: dict) -> None:
    assert file(maint, starts_at=local(2026, 12, 7, 0), ends_at=local(2026, 12, 14, 0)).calendar_days == 7
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        file(maint, person="mate", starts_at=local(2026, 12, 7, 0), ends_at=local(2026, 12, 14, 0, 1))
    assert "LEAVE-02.max_length" in refused.value.codes
    assert LeaveRequest.objects.filter(person=maint["mate"]).count() == 0
    assert AuditEvent.objects.count() == events


def test_leave_04_filing_while_another_of_the_station_is_pending_warns_and_needs_a_reason(maint: dict) -> None:
    file(maint)
    with pytest.raises(ValidationError) as refused:
        file(maint, person="mate")
    assert "warning_reason" in refused.value.message_dict
    assert LeaveRequest.objects.filter(person=maint["mate"]).count() == 0
    second = file(maint, person="mate", warning_reason="家中急事")
    event = RuleEvent.objects.get(code="LEAVE-04.station_overlap_on_filing")
    assert (event.outcome, event.reason, event.subject) == ("overridden", "家中急事", f"leave:{second.public_id}")


def test_leave_04_refuses_second_person_of_station_on_leave_at_approval(maint: dict) -> None:
    first = file(maint)
    second = file(maint, person="mate", warning_reason="家中急事")
    for approver in ("station_head", "head_a"):
        services.leave_decide(actor=maint[approver].user, leave=first, approve=True)
    services.leave_decide(actor=maint["station_head"].user, leave=second, approve=True)
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        services.leave_decide(actor=maint["head_a"].user, leave=second, approve=True)
    assert refused.value.codes == ["LEAVE-04.station_overlap_on_approval"]
    assert LeaveRequest.objects.get(pk=second.pk).status == "pending"
    assert AuditEvent.objects.count() == events


def test_leave_04_leave_of_another_station_does_not_count(maint: dict) -> None:
    file(maint)
    assert file(maint, person="staff_b").status == "pending"


def test_leave_05_two_days_ahead_is_on_time_one_day_is_refused_even_with_a_reason(maint: dict) -> None:
    with time_machine.travel(local(2026, 12, 5, 23, 59), tick=False):
        assert not file(maint).late
    events = AuditEvent.objects.count()
    with time_machine.travel(local(2026, 12, 6, 0, 0), tick=False), pytest.raises(RuleViolationError) as refused:
        file(maint, person="staff_b", warning_reason="临时通知")
    assert refused.value.codes == ["LEAVE-05.apply_ahead"]
    assert refused.value.messages == [
        "LEAVE-05 须提前2天申请请假 (maintenance · P2 二.3 · 策略版本 1): 请假须提前2天申请，本次仅提前1天"
    ]
    assert not LeaveRequest.objects.filter(person=maint["staff_b"]).exists()
    assert AuditEvent.objects.count() == events
    assert RuleEvent.objects.filter(code="LEAVE-05.apply_ahead", outcome="overridden").count() == 0
