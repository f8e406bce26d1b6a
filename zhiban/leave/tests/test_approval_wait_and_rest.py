"""LEAVE-03 approval_wait_hours: the overdue job reminds the current approver after exactly the pack's time,
not before — for leave, substitution and compensatory-rest chains; the compensatory-rest approval path
(ROS-07 credits consumed, more than the balance refused)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhiban.accounts.tests.clients import client_for
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals import services as approval_services
from zhiban.core.models import AuditEvent
from zhiban.leave import services
from zhiban.leave.models import LeaveRequest, RestRequest
from zhiban.notify.models import OutboxMessage
from zhiban.policy import selectors as policy_selectors
from zhiban.policy.services import policy_parameter_override
from zhiban.roster import services as roster_services
from zhiban.roster.compensation import selectors as rest_selectors
from zhiban.roster.models import RestTaking, RosterPeriod
from zhiban.roster.tests.conftest import EDIT_TIME, fill_day

from .conftest import DAY, local

SATURDAY = dt.date(2026, 12, 5)


def file_leave(tree: dict[str, Any]) -> LeaveRequest:
    return services.leave_file(
        actor=tree["staff_a"].user,
        person=tree["staff_a"],
        kind="personal",
        starts_at=local(2026, 12, 7, 8),
        ends_at=local(2026, 12, 7, 23),
        reason="家中有事",
    )


def overdue_told(person: Any) -> int:
    return OutboxMessage.objects.filter(recipient=person.user, subject__startswith="审批超时提醒").count()


def remind_at(tree: dict[str, Any], moment: dt.datetime) -> int:
    tree["travel"].move_to(moment)
    return approval_services.overdue_remind(moment)


def test_leave_03_approval_wait_default_24_hours_reminds_the_current_approver_at_the_limit_not_before(
    roster_org: dict, published: Any
) -> None:
    leave = file_leave(roster_org)
    (step,) = approval_selectors.steps_of("leave", leave.pk)
    assert step.wait_until == EDIT_TIME + dt.timedelta(hours=24)
    assert remind_at(roster_org, EDIT_TIME + dt.timedelta(hours=23, minutes=59)) == 0
    assert overdue_told(roster_org["head_a"]) == 0
    page = client_for(roster_org["staff_a"]).get(f"/leave/{leave.public_id}/").content.decode()
    assert 'id="leave-overdue"' not in page
    assert remind_at(roster_org, EDIT_TIME + dt.timedelta(hours=24)) == 1
    assert overdue_told(roster_org["head_a"]) == 1
    assert overdue_told(roster_org["head_b"]) == 0  # not their step
    assert remind_at(roster_org, EDIT_TIME + dt.timedelta(hours=25)) == 0  # once
    page = client_for(roster_org["staff_a"]).get(f"/leave/{leave.public_id}/").content.decode()
    assert 'id="leave-overdue"' in page
    assert "超过24小时时限" in page


def test_leave_03_approval_wait_follows_the_live_parameter_for_leave_substitution_and_rest(
    roster_org: dict, published: Any, colleague: Any
) -> None:
    policy = policy_selectors.policy_for_unit(roster_org["org"])
    assert policy is not None
    policy_parameter_override(actor=None, policy=policy, rule_id="LEAVE-03", parameter="approval_wait_hours", value=48)
    leave = file_leave(roster_org)
    substitution = services.substitution_file(
        actor=roster_org["staff_a"].user,
        person=roster_org["staff_a"],
        period=published,
        day=DAY + dt.timedelta(days=1),
        shift_type=roster_org["duty"],
        post="duty_officer",
        substitute=colleague,
        reason="出差",
    )
    subjects = [("leave", leave.pk), ("substitution", substitution.pk)]
    for subject_type, subject_id in subjects:
        (step,) = approval_selectors.steps_of(subject_type, subject_id)
        assert step.wait_until == EDIT_TIME + dt.timedelta(hours=48)
    assert remind_at(roster_org, EDIT_TIME + dt.timedelta(hours=47, minutes=59)) == 0
    assert remind_at(roster_org, EDIT_TIME + dt.timedelta(hours=48)) == 2
    assert overdue_told(roster_org["head_a"]) == 2


def test_leave_03_approval_wait_out_of_range_is_refused_naming_the_parameter(roster_org: dict) -> None:
    policy = policy_selectors.policy_for_unit(roster_org["org"])
    assert policy is not None
    for value in (0, 721):
        with pytest.raises(ValidationError):
            policy_parameter_override(
                actor=None, policy=policy, rule_id="LEAVE-03", parameter="approval_wait_hours", value=value
            )
    policy_parameter_override(actor=None, policy=policy, rule_id="LEAVE-03", parameter="approval_wait_hours", value=720)


@pytest.fixture
def credited(roster_org: dict[str, Any], period: RosterPeriod) -> RosterPeriod:
    """staff_a on duty on Saturday 5 December: one ROS-07 credit."""
    fill_day(roster_org, period, SATURDAY)
    fill_day(roster_org, period, DAY)
    roster_services.period_publish(actor=roster_org["secretary"].user, period=period)
    return period


def test_ros_07_rest_request_approved_by_the_head_consumes_the_credit(roster_org: dict, credited: Any) -> None:
    staff = roster_org["staff_a"]
    balance = rest_selectors.open_balance(staff)
    assert balance > 0
    request = services.rest_request_file(
        actor=staff.user, person=staff, day=dt.date(2026, 12, 10), days=str(balance), note="补休"
    )
    (step,) = approval_selectors.steps_of("rest", request.pk)
    assert (step.role, step.rule_id, step.wait_until) == (
        "department_head",
        "ROS-07",
        EDIT_TIME + dt.timedelta(hours=24),
    )
    assert rest_selectors.open_balance(staff) == balance  # nothing consumed while it waits
    services.rest_request_decide(actor=roster_org["head_a"].user, request=request, approve=True, comment="同意")
    request.refresh_from_db()
    assert request.status == "approved"
    assert request.taking is not None
    assert request.taking.days == balance
    assert rest_selectors.open_balance(staff) == Decimal("0")
    assert AuditEvent.objects.filter(action="leave.rest.approve", object_id=request.public_id).count() == 1


def test_ros_07_rest_request_at_the_balance_is_accepted_just_past_it_refused_and_nothing_changes(
    roster_org: dict, credited: Any
) -> None:
    staff = roster_org["staff_a"]
    balance = rest_selectors.open_balance(staff)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.rest_request_file(
            actor=staff.user, person=staff, day=dt.date(2026, 12, 10), days=str(balance + Decimal("0.5"))
        )
    assert "ROS-07" in refused.value.message_dict["days"][0]
    assert (RestRequest.objects.count(), RestTaking.objects.count(), AuditEvent.objects.count()) == (0, 0, events)
    first = services.rest_request_file(actor=staff.user, person=staff, day=dt.date(2026, 12, 10), days=str(balance))
    with pytest.raises(ValidationError) as again:  # the waiting request counts against the balance
        services.rest_request_file(actor=staff.user, person=staff, day=dt.date(2026, 12, 11), days="0.5")
    assert "ROS-07" in again.value.message_dict["days"][0]
    assert list(RestRequest.objects.values_list("pk", flat=True)) == [first.pk]
    assert rest_selectors.open_balance(staff) == balance
