"""Leave under the `service-center` pack (shift work, lengths in duty days): LEAVE-03 directors by length,
LEAVE-06 level by level, LEAVE-07 who files, LEAVE-05 a late request left unapproved is absence (旷工)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction

from zhiban.approvals import selectors as approval_selectors
from zhiban.core.models import AuditEvent
from zhiban.discipline.models import DisciplineRecord
from zhiban.leave import services
from zhiban.leave.models import LeaveRequest
from zhiban.org.models import Role
from zhiban.org.tests.factories import JobTypeFactory, PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.services import policy_adopt
from zhiban.roster import services as roster_services

from .conftest import local

DAYS = (dt.date(2026, 12, 7), dt.date(2026, 12, 8))


def _person(name: str, unit: Any, role: str | None = None) -> Any:
    person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name))
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


@pytest.fixture
def centre(org_tree: dict[str, Any]) -> Any:
    """staff_a on the early shift (08:00–16:00) of 7 and 8 December, published."""
    with time_machine.travel(local(2026, 11, 20, 10), tick=False) as traveller:
        tree = dict(org_tree)
        org = tree["org"]
        policy_adopt(actor=None, organisation=org, pack_id="service-center")
        # ROS-01: a seat is an operator's, and every shift has a senior — staff_a, a senior operator
        tree["staff_a"].job_type = JobTypeFactory.create(code="operator", name="话务员")
        tree["staff_a"].grade = 3
        tree["staff_a"].save(update_fields=["job_type", "grade"])
        tree["secretary"] = _person("secretary", org, Role.SECRETARIAT)
        tree["cs_director"] = _person("cs_director", tree["dept_a"], Role.CS_DIRECTOR)
        tree["centre_director"] = _person("centre_director", org, Role.CENTRE_DIRECTOR)
        shifts = roster_services.roster_setup_from_pack(actor=None, organisation=org)
        early = next(s for s in shifts if s.code == "early")
        period = roster_services.period_open(actor=tree["secretary"].user, unit=org, start=DAYS[0], end=DAYS[1])
        for day in DAYS:
            roster_services.assignment_set(
                actor=tree["secretary"].user,
                period=period,
                day=day,
                shift_type=early,
                post="duty_officer",
                people=[tree["staff_a"]],
            )
        roster_services.period_publish(actor=tree["secretary"].user, period=period)
        tree["travel"] = traveller
        yield tree


def file(tree: dict[str, Any], actor: str = "staff_a", **changes: Any) -> LeaveRequest:
    values: dict[str, Any] = {
        "actor": tree[actor].user,
        "person": tree["staff_a"],
        "kind": "personal",
        "starts_at": local(2026, 12, 7, 0),
        "ends_at": local(2026, 12, 9, 0),
        "reason": "家中有事",
    }
    values.update(changes)
    return services.leave_file(**values)


def test_leave_03_length_counts_duty_days_and_more_than_one_goes_to_the_centre_director(centre: dict) -> None:
    two = file(centre)
    assert (two.working_days, two.counts_duty_days) == (2, True)
    assert [(s.order, s.role) for s in approval_selectors.steps_of("leave", two.pk)] == [
        (1, "cs_director"),
        (2, "centre_director"),
    ]
    services.leave_cancel(actor=centre["staff_a"].user, leave=two)
    one = file(centre, ends_at=local(2026, 12, 8, 0))
    assert [s.role for s in approval_selectors.steps_of("leave", one.pk)] == ["cs_director"]


def test_leave_06_the_centre_director_may_not_skip_the_cs_director(centre: dict) -> None:
    leave = file(centre)
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        services.leave_decide(actor=centre["centre_director"].user, leave=leave, approve=True)
    assert refused.value.codes == ["LEAVE-06.level_by_level"]
    assert [s.status for s in approval_selectors.steps_of("leave", leave.pk)] == ["pending", "pending"]
    assert AuditEvent.objects.count() == events
    services.leave_decide(actor=centre["cs_director"].user, leave=leave, approve=True)
    assert approval_selectors.current_steps("leave", leave.pk)[0].role == "centre_director"


def test_leave_07_personal_leave_filed_by_someone_else_is_refused_sick_leave_is_not(centre: dict) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        file(centre, actor="head_a")
    assert refused.value.codes == ["LEAVE-07.filed_by_self"]
    assert (LeaveRequest.objects.count(), AuditEvent.objects.count()) == (0, events)
    sick = file(centre, actor="head_a", kind="sick")
    assert sick.certificate_due == dt.date(2026, 12, 9)  # LEAVE-08: the first day back


def test_leave_05_late_request_left_unapproved_at_the_start_is_recorded_as_absence(centre: dict) -> None:
    centre["travel"].move_to(local(2026, 12, 6, 23, 0))
    on_time = file(centre, ends_at=local(2026, 12, 8, 0), kind="annual", starts_at=local(2026, 12, 7, 0))
    assert not on_time.late  # annual leave a day ahead
    services.leave_cancel(actor=centre["staff_a"].user, leave=on_time)
    centre["travel"].move_to(local(2026, 12, 7, 6, 0))
    late = file(centre, starts_at=local(2026, 12, 7, 7), ends_at=local(2026, 12, 8, 0))
    assert late.late
    centre["travel"].move_to(local(2026, 12, 7, 7, 0))
    with transaction.atomic():
        assert services.leave_lapse(leave_id=late.pk)
    late.refresh_from_db()
    assert late.absence_recorded_at is not None
    (absence,) = DisciplineRecord.objects.all()
    assert (absence.person, absence.rule_id, absence.subject_id) == (centre["staff_a"], "LEAVE-05", late.pk)
    with transaction.atomic():
        assert not services.leave_lapse(leave_id=late.pk)  # a second run is stale


def test_leave_03_counted_in_is_the_pack_parameter_not_the_pack(centre: dict) -> None:
    """The same leave counted in working days once the organisation sets LEAVE-03 counted_in so."""
    from zhiban.policy.models import Policy
    from zhiban.policy.services import policy_parameter_override

    policy = Policy.objects.get(unit=centre["org"])
    policy_parameter_override(
        actor=None, policy=policy, rule_id="LEAVE-03", parameter="counted_in", value="working_days"
    )
    leave = file(centre)  # Monday 7 and Tuesday 8 December: two working days, whatever the duties
    assert leave.counts_duty_days is False
    assert leave.working_days == 2
