"""LEAVE-03 — who approves leave: by length and kind, plus the managing department's consent (P2 二.2、二.4;
P7 请假 三、九; default where the source is silent)."""

import datetime as dt
from decimal import Decimal

import pytest

from zhiban.policy.engine import evaluate
from zhiban.policy.rules.leave_03 import (
    ApprovalWait,
    LeaveApprovals,
    approval_chain,
    approval_overdue,
    approver_by_length,
    manager_consents,
)

from ._leave_facts import at, policy

MAINTENANCE = policy("maintenance").parameters("LEAVE-03")
SERVICE = policy("service-center").parameters("LEAVE-03")


def roles(kind: str, days: str, params: object) -> list[tuple[int, str]]:
    return [(a.order, a.role) for a in approval_chain(kind, Decimal(days), params)]  # type: ignore[arg-type]


def test_leave_03_maintenance_two_days_station_head_and_two_and_a_half_the_regional_leader() -> None:
    assert roles("personal", "2", MAINTENANCE) == [(1, "station_head"), (2, "department_head")]
    assert roles("personal", "2.5", MAINTENANCE) == [(1, "regional_leader"), (2, "department_head")]


def test_leave_03_maintenance_without_manager_consent_has_no_consent_step() -> None:
    params = {**MAINTENANCE, "manager_consent": False}
    assert roles("personal", "1", params) == [(1, "station_head")]


def test_leave_03_service_center_one_day_cs_director_more_the_centre_director_after_it() -> None:
    assert roles("personal", "1", SERVICE) == [(1, "cs_director")]
    assert roles("personal", "1.5", SERVICE) == [(1, "cs_director"), (2, "centre_director")]
    assert roles("business", "0.5", SERVICE) == [(1, "centre_director")]


@pytest.mark.parametrize("pack_id", ["bureau", "bureau-shifts", "company-shifts"])
def test_leave_03_default_chain_is_the_department_head_marked_source_default(pack_id: str) -> None:
    resolved = policy(pack_id)
    assert roles("personal", "10", resolved.parameters("LEAVE-03")) == [(1, "department_head")]
    assert roles("personal", "1", {"approver": "secretariat"}) == [(1, "secretariat")]
    assert resolved.citation("LEAVE-03").source == "default"


def test_leave_03_approval_by_the_wrong_level_is_refused_citing_the_clause() -> None:
    short_by_head = LeaveApprovals("王五", "personal", Decimal("2"), ("station_head", "department_head"))
    assert approver_by_length(short_by_head, MAINTENANCE) == []
    long_by_head = LeaveApprovals("王五", "personal", Decimal("2.5"), ("station_head", "department_head"))
    (finding,) = approver_by_length(long_by_head, MAINTENANCE)
    assert finding.message_zh == "王五事假2.5天须经区域分管领导批准"
    outcome = evaluate(policy("maintenance"), ["LEAVE-03"], long_by_head)
    assert [v.code for v in outcome.violations] == ["LEAVE-03.approver_by_length"]
    assert outcome.violations[0].citation.clause == "二.2、二.4"


def test_leave_03_maintenance_refuses_leave_without_the_managers_consent() -> None:
    without = LeaveApprovals("王五", "personal", Decimal("1"), ("station_head",))
    (finding,) = manager_consents(without, MAINTENANCE)
    assert finding.rule_id == "LEAVE-03"
    assert (
        manager_consents(
            LeaveApprovals("王五", "personal", Decimal("1"), ("station_head", "department_head")), MAINTENANCE
        )
        == []
    )


def test_leave_03_service_center_more_than_a_day_needs_both_directors() -> None:
    only_cs = LeaveApprovals("王五", "personal", Decimal("1.5"), ("cs_director",))
    (finding,) = approver_by_length(only_cs, SERVICE)
    assert finding.details["missing"] == ["centre_director"]
    assert approver_by_length(LeaveApprovals("王五", "personal", Decimal("1"), ("cs_director",)), SERVICE) == []


@pytest.mark.parametrize("pack_id", ["bureau", "bureau-shifts", "company-shifts", "maintenance", "service-center"])
def test_leave_03_approval_overdue_reminds_at_the_pack_limit_not_before(pack_id: str) -> None:
    params = policy(pack_id).parameters("LEAVE-03")
    assert params["approval_wait_hours"] == 24
    since = at(1, 9)
    assert (
        approval_overdue(
            ApprovalWait("王五事假", "处室负责人审批", since, since + dt.timedelta(hours=23, minutes=59)), params
        )
        == []
    )
    (finding,) = approval_overdue(
        ApprovalWait("王五事假", "处室负责人审批", since, since + dt.timedelta(hours=24)), params
    )
    assert (finding.rule_id, finding.severity.value) == ("LEAVE-03", "remind")
    assert finding.message_zh == "王五事假（处室负责人审批）已等待审批24小时，超过24小时时限，请审批人尽快处理"
    assert (
        approval_overdue(
            ApprovalWait("x", "y", since, since + dt.timedelta(hours=47)), {**params, "approval_wait_hours": 48}
        )
        == []
    )
