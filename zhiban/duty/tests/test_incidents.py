"""Incidents (OPS-04): the level's clock, the steps in order, late / missed / concealed reports, the escalation chain
frozen when it starts, acknowledgement."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.duty import incidents
from zhiban.duty.models import EscalationStep, Incident
from zhiban.duty.tests.helpers import audit_count, inbox_subjects, minutes, run_worker

STEPS = ("verified", "leader_told", "instructions")


def _raise(tree: dict[str, Any], level: str = "重大") -> Incident:
    return incidents.incident_raise(
        actor=tree["staff_a"].user, shift=tree["shift"], title="城南变电站火灾", level=level, place="城南"
    )


def _steps(tree: dict[str, Any], incident: Incident) -> Incident:
    for step in STEPS:
        incident = incidents.incident_step(actor=tree["staff_a"].user, incident=incident, step=step, text="按预案处置")
    return incident


def test_ops_04_a_major_incident_is_due_upward_within_the_packs_hour(on_duty: dict[str, Any]) -> None:
    incident = _raise(on_duty)
    assert incident.report_due_at == incident.raised_at + minutes(60)
    assert any("城南变电站火灾" in s for s in inbox_subjects(on_duty["leader"]))  # the leader on duty at once
    minor = _raise(on_duty, level="一般")
    assert minor.report_due_at is None


def test_ops_04_a_level_outside_the_pack_is_refused_naming_the_field(on_duty: dict[str, Any]) -> None:
    before = audit_count()
    with pytest.raises(ValidationError) as refused:
        _raise(on_duty, level="红色")
    assert "level" in refused.value.message_dict
    assert not Incident.objects.exists()
    assert audit_count() == before


def test_ops_04_steps_go_in_order_each_stamped_by_the_app_clock(on_duty: dict[str, Any]) -> None:
    incident = _raise(on_duty)
    with pytest.raises(ValidationError, match="核实情况"):
        incidents.incident_step(actor=on_duty["staff_a"].user, incident=incident, step="leader_told")
    on_duty["travel"].shift(minutes(3))
    incident = incidents.incident_step(actor=on_duty["staff_a"].user, incident=incident, step="verified")
    assert incident.verified_at == incident.raised_at + minutes(3)
    with pytest.raises(PermissionDenied):
        incidents.incident_step(actor=on_duty["staff_b"].user, incident=incident, step="leader_told")


def test_ops_04_reported_at_the_hour_is_on_time_a_minute_past_is_late(on_duty: dict[str, Any]) -> None:
    on_time, late = _steps(on_duty, _raise(on_duty)), _steps(on_duty, _raise(on_duty))
    on_duty["travel"].move_to(on_time.raised_at + minutes(60))
    on_time = incidents.incident_step(
        actor=on_duty["staff_a"].user, incident=on_time, step="reported_upward", text="省委值班室"
    )
    on_duty["travel"].move_to(late.raised_at + minutes(61))
    late = incidents.incident_step(
        actor=on_duty["staff_a"].user, incident=late, step="reported_upward", text="省委值班室"
    )
    assert on_time.report == Incident.Report.ON_TIME
    assert late.report == Incident.Report.LATE
    assert late.events.filter(kind="late").exists()


def test_ops_04_overdue_report_escalates_along_a_chain_frozen_when_it_starts(on_duty: dict[str, Any]) -> None:
    incident = _raise(on_duty)
    on_duty["travel"].move_to(incident.raised_at + minutes(59))
    run_worker()
    incident.refresh_from_db()
    assert incident.escalation_started_at is None
    assert incident.report == Incident.Report.PENDING
    on_duty["travel"].move_to(incident.raised_at + minutes(60))
    run_worker()
    incident.refresh_from_db()
    assert incident.report == Incident.Report.MISSED
    # The default chain resolved: the leader on duty, the secretariat (the organisation's own shift has no department
    # head above it, so that step is left out).
    assert [step["target"] for step in incident.escalation] == ["duty_leader", "secretariat"]
    assert any(s.startswith("【升级】") for s in inbox_subjects(on_duty["leader"]))
    # The chain is changed while the escalation runs: the running one keeps its frozen chain.
    incidents.chain_set(
        actor=on_duty["secretary"].user, unit=on_duty["org"], steps=[{"target": "person", "person": on_duty["staff_b"]}]
    )
    on_duty["travel"].move_to(incident.raised_at + minutes(70))  # 10 min without acknowledgement: paged again
    run_worker()
    assert len([s for s in inbox_subjects(on_duty["leader"]) if s.startswith("【升级】")]) == 2
    on_duty["travel"].move_to(incident.raised_at + minutes(80))  # then the next step: the secretariat
    run_worker()
    assert any(s.startswith("【升级】") for s in inbox_subjects(on_duty["secretary"]))
    assert not any(s.startswith("【升级】") for s in inbox_subjects(on_duty["staff_b"]))


def test_ops_04_acknowledgement_stops_the_paging(on_duty: dict[str, Any]) -> None:
    incident = _raise(on_duty)
    on_duty["travel"].move_to(incident.raised_at + minutes(60))
    run_worker()
    incident = incidents.incident_acknowledge(
        actor=on_duty["leader"].user, incident=Incident.objects.get(pk=incident.pk)
    )
    on_duty["travel"].move_to(incident.raised_at + minutes(120))
    run_worker()
    assert len([s for s in inbox_subjects(on_duty["leader"]) if s.startswith("【升级】")]) == 1
    assert not any(s.startswith("【升级】") for s in inbox_subjects(on_duty["secretary"]))
    with pytest.raises(PermissionDenied):
        incidents.incident_acknowledge(actor=on_duty["outsider"].user, incident=incident)


def test_ops_04_reporting_in_time_means_no_escalation(on_duty: dict[str, Any]) -> None:
    incident = _steps(on_duty, _raise(on_duty))
    incidents.incident_step(actor=on_duty["staff_a"].user, incident=incident, step="reported_upward", text="省委值班室")
    on_duty["travel"].move_to(incident.raised_at + minutes(90))
    run_worker()
    incident.refresh_from_db()
    assert incident.escalation_started_at is None
    assert incident.report == Incident.Report.ON_TIME


def test_ops_04_concealment_is_recorded_by_a_manager_not_by_the_shift(on_duty: dict[str, Any]) -> None:
    incident = _raise(on_duty)
    with pytest.raises(PermissionDenied):
        incidents.incident_conceal(actor=on_duty["staff_a"].user, incident=incident, note="x")
    incident = incidents.incident_conceal(actor=on_duty["secretary"].user, incident=incident, note="未按规定上报")
    assert incident.report == Incident.Report.CONCEALED


def test_ops_04_chain_is_set_by_managers_only_and_validated(on_duty: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        incidents.chain_set(actor=on_duty["staff_a"].user, unit=on_duty["org"], steps=[{"target": "duty_leader"}])
    with pytest.raises(ValidationError):
        incidents.chain_set(actor=on_duty["secretary"].user, unit=on_duty["org"], steps=[{"target": "nobody"}])
    assert not EscalationStep.objects.exists()
    incidents.chain_set(
        actor=on_duty["secretary"].user,
        unit=on_duty["org"],
        steps=[{"target": "duty_leader", "ack_minutes": 5, "repeats": 3}],
    )
    assert incidents.chain_of(on_duty["station_a"])[0][2:] == (5, 3)


def test_ops_04_a_major_incident_and_its_escalation_reach_the_units_group_robot(on_duty: dict[str, Any]) -> None:
    from zhiban.notify.models import OutboxMessage
    from zhiban.notify.services import unit_channel_create

    robot = unit_channel_create(
        actor=None,
        unit=on_duty["org"],
        kind="wecom",
        label="值班群",
        url="http://127.0.0.1:9/cgi-bin/webhook/send?key=k",
    )
    incident = _raise(on_duty)
    _raise(on_duty, level="一般")  # handled within authority: not posted to the group
    assert list(OutboxMessage.objects.filter(robot=robot).values_list("subject", flat=True)) == [
        "事件报告：城南变电站火灾（重大）"
    ]
    on_duty["travel"].move_to(incident.raised_at + minutes(60))
    run_worker()
    assert OutboxMessage.objects.filter(robot=robot, subject__startswith="【升级】").count() == 1
