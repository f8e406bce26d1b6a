"""Check-in (OPS-01), lateness and absence from the post as discipline records (LEAVE-11, OPS-02)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.discipline.models import DisciplineRecord
from zhiban.duty import services
from zhiban.duty.models import Attendance, DutyShift, PostAbsence
from zhiban.duty.tests.helpers import adopt, audit_count, inbox_subjects, minutes, override, run_worker


def test_ops_01_check_in_records_the_time_range_leader_and_staff(duty: dict[str, Any]) -> None:
    shift = duty["shift"]
    duty["travel"].move_to(shift.starts_at - minutes(5))
    attendance = services.check_in(actor=duty["staff_a"].user, shift=shift)
    assert attendance.checked_in_at is not None
    assert attendance.late_minutes == 0
    assert attendance.record["leaders"] == ["leader"]
    assert attendance.record["staff"] == ["staff_a"]
    assert attendance.record["from"].startswith("2026-12-07T09:00")
    shift.refresh_from_db()
    assert shift.status == DutyShift.Status.OPEN


def test_ops_01_check_in_refused_to_someone_not_on_the_shift(duty: dict[str, Any]) -> None:
    duty["travel"].move_to(duty["shift"].starts_at)
    before = audit_count()
    with pytest.raises(PermissionDenied):
        services.check_in(actor=duty["staff_b"].user, shift=duty["shift"])
    assert audit_count() == before
    assert not Attendance.objects.filter(checked_in_at__isnull=False).exists()


def test_ops_01_check_in_twice_or_hours_early_is_refused(duty: dict[str, Any]) -> None:
    shift = duty["shift"]
    duty["travel"].move_to(shift.starts_at - minutes(121))
    with pytest.raises(ValidationError):
        services.check_in(actor=duty["staff_a"].user, shift=shift)
    duty["travel"].move_to(shift.starts_at - minutes(120))
    services.check_in(actor=duty["staff_a"].user, shift=shift)
    with pytest.raises(ValidationError):
        services.check_in(actor=duty["staff_a"].user, shift=shift)


def test_ops_01_missing_check_in_escalates_at_late_after_and_not_before(duty: dict[str, Any]) -> None:
    from zhiban.duty import jobs as duty_jobs

    shift = duty["shift"]
    duty["travel"].move_to(shift.starts_at - minutes(60))
    duty_jobs.prepare({})  # schedules the shift's deadlines
    services.check_in(actor=duty["leader"].user, shift=shift)
    duty["travel"].move_to(shift.starts_at + minutes(14))
    run_worker()
    assert not [s for s in inbox_subjects(duty["leader"]) if s.startswith("未按时到岗")]
    duty["travel"].move_to(shift.starts_at + minutes(15))  # bureau: late_after = 15m
    run_worker()
    assert [s for s in inbox_subjects(duty["leader"]) if s.startswith("未按时到岗")]
    assert [s for s in inbox_subjects(duty["head_a"]) if s.startswith("未按时到岗")] == []  # heads of dept_a only
    run_worker()  # fires once
    assert len([s for s in inbox_subjects(duty["leader"]) if s.startswith("未按时到岗")]) == 1


def test_leave_11_late_by_the_limit_is_a_discipline_record_and_one_minute_short_is_not(duty: dict[str, Any]) -> None:
    adopt(duty, "service-center")  # LEAVE-11: late_minutes = 20
    shift = duty["shift"]
    duty["travel"].move_to(shift.starts_at + minutes(19))
    services.check_in(actor=duty["leader"].user, shift=shift)
    assert not DisciplineRecord.objects.exists()
    duty["travel"].move_to(shift.starts_at + minutes(20))
    services.check_in(actor=duty["staff_a"].user, shift=shift)
    record = DisciplineRecord.objects.get()
    assert (record.person, record.kind, record.rule_id) == (duty["staff_a"], DisciplineRecord.Kind.LATE, "LEAVE-11")
    assert "20分钟" in record.note


def test_leave_11_limit_is_the_packs_parameter(duty: dict[str, Any]) -> None:
    adopt(duty, "service-center")
    override(duty, "LEAVE-11", "late_minutes", 30)
    duty["travel"].move_to(duty["shift"].starts_at + minutes(29))
    services.check_in(actor=duty["staff_a"].user, shift=duty["shift"])
    assert not DisciplineRecord.objects.exists()


def test_leave_11_away_from_the_post_at_the_limit_is_recorded(on_duty: dict[str, Any]) -> None:
    adopt(on_duty, "service-center")
    shift, staff = on_duty["shift"], on_duty["staff_a"]
    start = shift.starts_at + minutes(60)
    services.absence_report(
        actor=on_duty["leader"].user, shift=shift, person=staff, left_at=start, returned_at=start + minutes(19)
    )
    assert not DisciplineRecord.objects.exists()
    services.absence_report(
        actor=on_duty["leader"].user, shift=shift, person=staff, left_at=start, returned_at=start + minutes(20)
    )
    record = DisciplineRecord.objects.get()
    assert (record.kind, record.rule_id) == (DisciplineRecord.Kind.AWAY, "LEAVE-11")


def test_ops_02_unpermitted_absence_is_recorded_permitted_one_is_not(on_duty: dict[str, Any]) -> None:
    shift, staff = on_duty["shift"], on_duty["staff_a"]
    start = shift.starts_at + minutes(60)
    services.absence_report(
        actor=on_duty["leader"].user,
        shift=shift,
        person=staff,
        left_at=start,
        returned_at=start + minutes(5),
        permitted=True,
    )
    assert not DisciplineRecord.objects.exists()
    services.absence_report(
        actor=on_duty["leader"].user, shift=shift, person=staff, left_at=start, returned_at=start + minutes(5)
    )
    record = DisciplineRecord.objects.get()
    assert (record.kind, record.rule_id) == (DisciplineRecord.Kind.AWAY, "OPS-02")  # bureau has no LEAVE-11


def test_ops_02_nobody_records_their_own_absence_nor_a_colleague_without_the_role(on_duty: dict[str, Any]) -> None:
    shift = on_duty["shift"]
    for actor, person in ((on_duty["leader"], on_duty["leader"]), (on_duty["staff_a"], on_duty["leader"])):
        with pytest.raises(PermissionDenied):
            services.absence_report(
                actor=actor.user, shift=shift, person=person, left_at=shift.starts_at, returned_at=None
            )
    assert not PostAbsence.objects.exists()


def test_leave_11_lateness_shows_in_the_one_discipline_register_by_clause_title(duty: dict[str, Any]) -> None:
    from zhiban.accounts.tests.clients import verified_client

    adopt(duty, "service-center")
    duty["travel"].move_to(duty["shift"].starts_at + minutes(25))
    services.check_in(actor=duty["staff_a"].user, shift=duty["shift"])
    page = verified_client(duty["secretary"].user).get("/discipline/").content.decode()
    assert "迟到与脱岗" in page
    assert "班前未请假迟到20分钟及以上" in page  # the clause title, not the rule code
    assert ">LEAVE-11<" not in page
