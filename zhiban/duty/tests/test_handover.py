"""Checklist (OPS-12), handover and close (OPS-06), roll call."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.duty import services
from zhiban.duty.models import DutyShift, Handover
from zhiban.duty.tests.helpers import adopt, inbox_subjects, minutes, override, run_worker
from zhiban.policy.errors import RuleViolationError

ALL_OK = {"通讯设备正常": True, "值班室设施完好": True}


def test_ops_12_every_item_is_answered_and_a_fault_says_what_is_wrong(on_duty: dict[str, Any]) -> None:
    user, shift = on_duty["staff_a"].user, on_duty["shift"]
    with pytest.raises(RuleViolationError, match="值班室设施完好"):
        services.checklist_fill(actor=user, shift=shift, answers={"通讯设备正常": True}, notes={})
    with pytest.raises(RuleViolationError, match="异常项目须说明情况"):
        services.checklist_fill(actor=user, shift=shift, answers={**ALL_OK, "通讯设备正常": False}, notes={})
    with pytest.raises(ValidationError, match="不在检查清单上"):
        services.checklist_fill(actor=user, shift=shift, answers={**ALL_OK, "门窗": True}, notes={})
    services.checklist_fill(
        actor=user, shift=shift, answers={**ALL_OK, "通讯设备正常": False}, notes={"通讯设备正常": "传真机卡纸"}
    )
    assert services.checklist_failures(shift) == {"通讯设备正常": "传真机卡纸"}


def test_ops_12_items_are_the_packs(on_duty: dict[str, Any]) -> None:
    override(on_duty, "OPS-12", "items", ["门窗关好"])
    services.checklist_fill(actor=on_duty["staff_a"].user, shift=on_duty["shift"], answers={"门窗关好": True}, notes={})
    with pytest.raises(ValidationError):
        services.checklist_fill(actor=on_duty["staff_a"].user, shift=on_duty["shift"], answers=ALL_OK, notes={})


def test_ops_06_the_duty_closes_only_after_the_incoming_officer_accepts(on_duty: dict[str, Any]) -> None:
    shift, staff, colleague = on_duty["shift"], on_duty["staff_a"], on_duty["colleague"]
    services.checklist_fill(
        actor=staff.user, shift=shift, answers={**ALL_OK, "通讯设备正常": False}, notes={"通讯设备正常": "传真机卡纸"}
    )
    handover = services.handover_write(
        actor=staff.user, shift=shift, equipment="电话正常，传真机卡纸", open_issues=["城南停电待复电"], staffing="无"
    )
    assert handover.incoming == on_duty["next_shift"]
    assert handover.checklist == {"通讯设备正常": "传真机卡纸"}
    assert any("请确认交接" in s for s in inbox_subjects(colleague))
    with pytest.raises(RuleViolationError, match="接班人确认交接前"):
        services.shift_close(actor=staff.user, shift=shift)
    with pytest.raises(PermissionDenied):
        services.handover_accept(actor=staff.user, handover=handover)  # not on the incoming shift
    with pytest.raises(PermissionDenied):
        services.handover_accept(actor=on_duty["staff_b"].user, handover=handover)
    on_duty["travel"].move_to(shift.ends_at - minutes(10))
    with pytest.raises(ValidationError, match="请先到岗登记"):
        services.handover_accept(actor=colleague.user, handover=handover)
    services.check_in(actor=colleague.user, shift=on_duty["next_shift"])
    services.handover_accept(actor=colleague.user, handover=handover)
    closed = services.shift_close(actor=staff.user, shift=shift)
    assert closed.status == DutyShift.Status.CLOSED
    assert not closed.attendances.filter(checked_in_at__isnull=False, checked_out_at__isnull=True).exists()
    assert services.carried_issues(on_duty["next_shift"]) == ["城南停电待复电"]


def test_ops_06_the_equipment_state_is_required(on_duty: dict[str, Any]) -> None:
    with pytest.raises(RuleViolationError, match="设备情况"):
        services.handover_write(actor=on_duty["staff_a"].user, shift=on_duty["shift"], equipment=" ", open_issues=[])
    assert not Handover.objects.exists()


def test_ops_12_closing_needs_the_checklist(on_duty: dict[str, Any]) -> None:
    with pytest.raises(RuleViolationError, match="检查清单"):
        services.shift_close(actor=on_duty["staff_a"].user, shift=on_duty["shift"])


def test_ops_06_roll_call_reminds_arrive_early_before_the_start(duty: dict[str, Any]) -> None:
    from zhiban.duty import jobs as duty_jobs

    adopt(duty, "service-center")  # OPS-06 arrive_early = 10m
    shift = duty["shift"]
    duty["travel"].move_to(shift.starts_at - minutes(60))
    duty_jobs.prepare({})
    duty["travel"].move_to(shift.starts_at - minutes(11))
    run_worker()
    assert not any(s.startswith("班前点名") for s in inbox_subjects(duty["staff_a"]))
    duty["travel"].move_to(shift.starts_at - minutes(10))
    run_worker()
    assert any(s.startswith("班前点名") for s in inbox_subjects(duty["staff_a"]))
