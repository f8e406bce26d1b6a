"""Leave, cover, substitution and rest services under the `bureau` pack (default leave chain, SUB-01/02):
refusals cite the rule and change nothing; approval of leave hitting a published duty rewrites the roster."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.approvals import selectors as approval_selectors
from zhiban.core.models import AuditEvent
from zhiban.leave import services
from zhiban.leave.models import LeaveCover, LeaveRequest, RestRequest, Substitution
from zhiban.org.models import Unit
from zhiban.policy.errors import RuleViolationError
from zhiban.roster import selectors as roster_selectors
from zhiban.roster import unavailability
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion

from .conftest import DAY, local


def file_leave(tree: dict[str, Any], **changes: Any) -> LeaveRequest:
    values: dict[str, Any] = {
        "actor": tree["staff_a"].user,
        "person": tree["staff_a"],
        "kind": "personal",
        "starts_at": local(2026, 12, 7, 8),
        "ends_at": local(2026, 12, 7, 23),
        "reason": "家中有事",
    }
    values.update(changes)
    return services.leave_file(**values)


def officer_on(period: RosterPeriod, day: dt.date) -> list[str]:
    period.refresh_from_db()
    return [
        a.person.name
        for a in Assignment.objects.filter(version=period.published_version, date=day, post="duty_officer")
    ]


def choose(tree: dict[str, Any], leave: LeaveRequest, period: RosterPeriod, substitute: Any) -> LeaveCover:
    return services.cover_choose(
        actor=tree["staff_a"].user,
        leave=leave,
        period=period,
        day=DAY,
        shift_type=tree["duty"],
        post="duty_officer",
        substitute=substitute,
    )


def test_filing_starts_the_default_chain_department_head_marked_leave_03(roster_org: dict, published: Any) -> None:
    leave = file_leave(roster_org)
    assert leave.status == "pending"
    assert leave.working_days == Decimal("1")
    (step,) = approval_selectors.steps_of("leave", leave.pk)
    assert (step.role, step.unit, step.rule_id) == ("department_head", roster_org["dept_a"], "LEAVE-03")
    assert AuditEvent.objects.latest("id").action == "leave.request.file"


def test_leave_01_refuses_leave_asked_after_it_started_and_nothing_changes(roster_org: dict, published: Any) -> None:
    roster_org["travel"].move_to(local(2026, 12, 7, 8, 1))
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        file_leave(roster_org)
    assert refused.value.codes == ["LEAVE-01.ask_before_leaving"]
    assert LeaveRequest.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_leave_01_asked_at_the_start_is_accepted(roster_org: dict, published: Any) -> None:
    roster_org["travel"].move_to(local(2026, 12, 7, 8, 0))
    assert file_leave(roster_org).status == "pending"


def test_sub_01_approval_without_cover_is_refused_and_nothing_changes(roster_org: dict, published: Any) -> None:
    leave = file_leave(roster_org)
    versions, events = RosterVersion.objects.count(), AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        services.leave_decide(actor=roster_org["head_a"].user, leave=leave, approve=True)
    assert refused.value.codes == ["SUB-01.substitute_approved"]
    leave.refresh_from_db()
    assert leave.status == "pending"
    assert [s.status for s in approval_selectors.steps_of("leave", leave.pk)] == ["pending"]
    assert (RosterVersion.objects.count(), AuditEvent.objects.count()) == (versions, events)


def test_sub_01_approval_with_cover_rewrites_the_roster_and_the_board_shows_the_substitute(
    roster_org: dict, published: Any, colleague: Any
) -> None:
    leave = file_leave(roster_org)
    choose(roster_org, leave, published, colleague)
    before = published.published_version.number
    services.leave_decide(actor=roster_org["head_a"].user, leave=leave, approve=True, comment="同意")
    leave.refresh_from_db()
    assert leave.status == "approved"
    published.refresh_from_db()
    assert published.published_version.number == before + 1
    assert officer_on(published, DAY) == ["colleague"]
    (cover,) = leave.covers.all()
    assert cover.version == published.published_version
    assert (
        cover.responsibility
        == f"colleague顶替staff_a值{DAY:%Y-%m-%d} {roster_org['duty'].name} 值班人员，由colleague承担全部值班责任"
    )
    roster_org["travel"].move_to(local(2026, 12, 7, 12))
    (unit,) = roster_selectors.board(units=Unit.objects.filter(pk=roster_org["org"].pk))
    assert [p.name for shift in unit.today for p in shift.officers] == ["colleague"]
    assert unavailability.unavailable_days([roster_org["staff_a"].pk], DAY, DAY) == {roster_org["staff_a"].pk: {DAY}}


def test_sub_02_cover_from_another_department_is_refused_and_nothing_changes(roster_org: dict, published: Any) -> None:
    leave = file_leave(roster_org)
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        choose(roster_org, leave, published, roster_org["staff_b"])
    assert refused.value.codes == ["SUB-02.same_department"]
    assert LeaveCover.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_someone_not_a_candidate_cannot_cover(roster_org: dict, published: Any) -> None:
    leave = file_leave(roster_org)
    with pytest.raises(ValidationError) as refused:
        choose(roster_org, leave, published, roster_org["guard"])
    assert "substitute" in refused.value.message_dict
    assert LeaveCover.objects.count() == 0


def test_only_an_approver_of_the_current_step_decides_and_nobody_their_own(roster_org: dict, published: Any) -> None:
    leave = file_leave(roster_org)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.leave_decide(actor=roster_org["head_b"].user, leave=leave, approve=True)
    with pytest.raises(PermissionDenied):
        services.leave_decide(actor=roster_org["staff_a"].user, leave=leave, approve=True)
    assert AuditEvent.objects.count() == events
    assert LeaveRequest.objects.get(pk=leave.pk).status == "pending"


def test_a_rejection_closes_the_request_with_the_reason(roster_org: dict, published: Any) -> None:
    leave = file_leave(roster_org)
    with pytest.raises(ValidationError):
        services.leave_decide(actor=roster_org["head_a"].user, leave=leave, approve=False)
    services.leave_decide(actor=roster_org["head_a"].user, leave=leave, approve=False, comment="值班紧张")
    leave.refresh_from_db()
    assert leave.status == "rejected"
    assert officer_on(published, DAY) == ["staff_a"]


def test_nobody_else_may_file_for_a_person_outside_their_scope(roster_org: dict, published: Any) -> None:
    with pytest.raises(PermissionDenied):
        file_leave(roster_org, actor=roster_org["staff_b"].user)
    assert LeaveRequest.objects.count() == 0


def test_leave_07_is_not_in_bureau_so_a_colleague_may_not_file_even_sick_leave(
    roster_org: dict, published: Any, colleague: Any
) -> None:
    """Only P7 lets someone else file sick leave (LEAVE-07 病假除外); under `bureau` it is the person or a manager."""
    with pytest.raises(PermissionDenied):
        file_leave(roster_org, actor=colleague.user, kind="sick")
    assert LeaveRequest.objects.count() == 0
    assert file_leave(roster_org, actor=roster_org["head_a"].user, kind="sick").filed_by == roster_org["head_a"].user


def test_cancel_and_return(roster_org: dict, published: Any, colleague: Any) -> None:
    leave = file_leave(roster_org)
    services.leave_cancel(actor=roster_org["staff_a"].user, leave=leave)
    assert LeaveRequest.objects.get(pk=leave.pk).status == "cancelled"
    assert approval_selectors.current_steps("leave", leave.pk) == []
    second = file_leave(roster_org)
    choose(roster_org, second, published, colleague)
    services.leave_decide(actor=roster_org["head_a"].user, leave=second, approve=True)
    with pytest.raises(ValidationError):
        services.leave_return(actor=roster_org["staff_a"].user, leave=second, returned_at=local(2026, 12, 7, 20))
    roster_org["travel"].move_to(local(2026, 12, 7, 21))
    services.leave_return(actor=roster_org["staff_a"].user, leave=second, returned_at=local(2026, 12, 7, 20))
    second.refresh_from_db()
    assert (second.status, second.returned_at) == ("returned", local(2026, 12, 7, 20))


def test_sub_02_substitution_same_department_approved_by_its_head_moves_the_duty(
    roster_org: dict, published: Any, colleague: Any
) -> None:
    row = services.substitution_file(
        actor=roster_org["staff_a"].user,
        person=roster_org["staff_a"],
        period=published,
        day=DAY,
        shift_type=roster_org["duty"],
        post="duty_officer",
        substitute=colleague,
        reason="出差",
    )
    (step,) = approval_selectors.steps_of("substitution", row.pk)
    assert (step.role, step.unit, step.rule_id) == ("department_head", roster_org["dept_a"], "SUB-02")
    with pytest.raises(PermissionDenied):
        services.substitution_decide(actor=roster_org["head_b"].user, substitution=row, approve=True)
    services.substitution_decide(actor=roster_org["head_a"].user, substitution=row, approve=True)
    row.refresh_from_db()
    assert row.status == "approved"
    assert "由colleague承担全部值班责任" in row.responsibility
    assert officer_on(published, DAY) == ["colleague"]


def test_sub_02_substitute_of_another_department_is_refused_and_nothing_changes(
    roster_org: dict, published: Any
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        services.substitution_file(
            actor=roster_org["staff_a"].user,
            person=roster_org["staff_a"],
            period=published,
            day=DAY,
            shift_type=roster_org["duty"],
            post="duty_officer",
            substitute=roster_org["staff_b"],
            reason="出差",
        )
    assert refused.value.codes == ["SUB-02.same_department"]
    assert (Substitution.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_rest_request_beyond_the_open_balance_is_refused_citing_ros_07(roster_org: dict, published: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.rest_request_file(
            actor=roster_org["staff_a"].user, person=roster_org["staff_a"], day=dt.date(2026, 12, 10), days="1"
        )
    assert "ROS-07" in str(refused.value)
    assert RestRequest.objects.count() == 0


# ── SUB-01 in `bureau`: the secretariat is told (P3 二.2: 由各处自行调整，并提前向秘书处报备) ──────────────────────


def _reports(tree: dict[str, Any]) -> list[Any]:
    from zhiban.notify.models import OutboxMessage

    reports = OutboxMessage.objects.filter(recipient=tree["secretary"].user, subject__startswith="值班调整报备")
    return list(reports.order_by("id"))


def _substitution(tree: dict[str, Any], period: RosterPeriod, substitute: Any) -> Substitution:
    return services.substitution_file(
        actor=tree["staff_a"].user,
        person=tree["staff_a"],
        period=period,
        day=DAY,
        shift_type=tree["duty"],
        post="duty_officer",
        substitute=substitute,
        reason="出差",
    )


def test_sub_01_an_approved_substitution_is_reported_to_the_secretariat_before_the_duty(
    roster_org: dict, published: Any, colleague: Any
) -> None:
    row = _substitution(roster_org, published, colleague)
    assert _reports(roster_org) == []  # asked, not yet decided by the department: nothing to report
    roster_org["travel"].move_to(local(2026, 12, 7, 9))  # the duty starts at 09:00: still in advance
    services.substitution_decide(actor=roster_org["head_a"].user, substitution=row, approve=True)
    (report,) = _reports(roster_org)
    line = f"colleague顶替staff_a值{DAY:%Y-%m-%d} {roster_org['duty'].name} 值班人员，由colleague承担全部值班责任"
    assert report.subject == f"值班调整报备：{line}"
    assert report.body == line


def test_sub_01_a_substitution_approved_after_the_duty_began_is_reported_saying_it_is_late(
    roster_org: dict, published: Any, colleague: Any
) -> None:
    row = _substitution(roster_org, published, colleague)
    roster_org["travel"].move_to(local(2026, 12, 7, 9, 1))  # a minute past the start of the duty
    with pytest.raises(ValidationError) as needs_reason:
        services.substitution_decide(actor=roster_org["head_a"].user, substitution=row, approve=True)
    assert "SUB-01" in needs_reason.value.message_dict["warning_reason"][0]
    assert _reports(roster_org) == []
    services.substitution_decide(actor=roster_org["head_a"].user, substitution=row, approve=True, reason="临时出差")
    (report,) = _reports(roster_org)
    assert "调整未能提前向秘书处报备" in report.body


def test_sub_01_a_leave_cover_is_reported_to_the_secretariat(roster_org: dict, published: Any, colleague: Any) -> None:
    leave = file_leave(roster_org)
    choose(roster_org, leave, published, colleague)
    services.leave_decide(actor=roster_org["head_a"].user, leave=leave, approve=True)
    (report,) = _reports(roster_org)
    assert "由colleague承担全部值班责任" in report.subject


def test_sub_01_without_report_to_secretariat_the_secretariat_is_not_told(
    roster_org: dict, published: Any, colleague: Any
) -> None:
    from zhiban.policy.models import Policy
    from zhiban.policy.services import policy_parameter_override

    policy = Policy.objects.get(unit=roster_org["org"])
    policy_parameter_override(
        actor=None, policy=policy, rule_id="SUB-01", parameter="report_to_secretariat", value=False
    )
    row = _substitution(roster_org, published, colleague)
    services.substitution_decide(actor=roster_org["head_a"].user, substitution=row, approve=True)
    assert _reports(roster_org) == []
