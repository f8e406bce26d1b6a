"""Spot checks (OPS-08), the key (OPS-09), the driver line (OPS-10), merits (OPS-11), the shift report (OPS-07) and
the day's report (OPS-05)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.discipline.models import DisciplineRecord
from zhiban.duty import jobs as duty_jobs
from zhiban.duty import services
from zhiban.duty.models import DailyReport, DutyMerit, PostAbsence, SpotCheck
from zhiban.duty.tests.helpers import adopt, inbox_subjects, minutes, override, run_worker
from zhiban.policy.errors import RuleViolationError


def _challenge(tree: dict[str, Any]) -> SpotCheck:
    check = services.spot_check_issue(actor=tree["secretary"].user, shift=tree["shift"], person=tree["staff_a"])
    return check


def _due(check: SpotCheck) -> dt.datetime:
    assert check.answer_by is not None
    return check.answer_by


def test_ops_08_a_challenge_answered_at_the_limit_is_in_time(on_duty: dict[str, Any]) -> None:
    check = _challenge(on_duty)
    assert _due(check) == check.issued_at + minutes(10)
    assert any(s.startswith("在岗确认") for s in inbox_subjects(on_duty["staff_a"]))
    on_duty["travel"].move_to(_due(check))
    check = services.spot_check_answer(actor=on_duty["staff_a"].user, check=check)
    assert check.present is True
    run_worker()
    assert not PostAbsence.objects.exists()


def test_ops_08_a_challenge_not_answered_in_time_escalates_and_is_an_absence(on_duty: dict[str, Any]) -> None:
    check = _challenge(on_duty)
    on_duty["travel"].move_to(_due(check) - dt.timedelta(seconds=1))
    run_worker()
    assert not PostAbsence.objects.exists()
    on_duty["travel"].move_to(_due(check))
    run_worker()
    check.refresh_from_db()
    assert check.present is False
    absence = PostAbsence.objects.get()
    assert (absence.person, absence.source) == (on_duty["staff_a"], PostAbsence.Source.SPOT_CHECK)
    assert DisciplineRecord.objects.get().kind == DisciplineRecord.Kind.AWAY
    assert any(s.startswith("查岗未应答") for s in inbox_subjects(on_duty["leader"]))


def test_ops_08_answering_late_is_recorded_not_present(on_duty: dict[str, Any]) -> None:
    check = _challenge(on_duty)
    on_duty["travel"].move_to(_due(check) + dt.timedelta(seconds=1))
    check = services.spot_check_answer(actor=on_duty["staff_a"].user, check=check)
    assert check.present is False


def test_ops_08_nobody_checks_themselves_and_only_the_challenged_answers(on_duty: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.spot_check_issue(actor=on_duty["leader"].user, shift=on_duty["shift"], person=on_duty["leader"])
    with pytest.raises(PermissionDenied):
        services.spot_check_issue(actor=on_duty["staff_b"].user, shift=on_duty["shift"], person=on_duty["staff_a"])
    check = _challenge(on_duty)
    with pytest.raises(PermissionDenied):
        services.spot_check_answer(actor=on_duty["leader"].user, check=check)


def test_ops_08_a_check_on_site_finding_nobody_records_the_absence(on_duty: dict[str, Any]) -> None:
    services.spot_check_issue(
        actor=on_duty["secretary"].user,
        shift=on_duty["shift"],
        person=on_duty["staff_a"],
        method="on_site",
        present=False,
    )
    assert PostAbsence.objects.get().source == PostAbsence.Source.FOUND


def test_ops_09_a_key_still_out_after_return_within_is_reminded(on_duty: dict[str, Any]) -> None:
    loan = services.key_issue(actor=on_duty["secretary"].user, shift=on_duty["shift"], holder=on_duty["staff_a"])
    assert loan.due_at == on_duty["shift"].ends_at + minutes(30)
    with pytest.raises(ValidationError, match="尚未归还"):
        services.key_issue(actor=on_duty["secretary"].user, shift=on_duty["shift"], holder=on_duty["leader"])
    on_duty["travel"].move_to(loan.due_at - dt.timedelta(seconds=1))
    run_worker()
    assert not any("钥匙" in s for s in inbox_subjects(on_duty["staff_a"]))
    on_duty["travel"].move_to(loan.due_at)
    run_worker()
    assert any("钥匙未归还" in s for s in inbox_subjects(on_duty["staff_a"]))
    with pytest.raises(PermissionDenied):
        services.key_return(actor=on_duty["staff_a"].user, loan=loan)
    assert services.key_return(actor=on_duty["secretary"].user, loan=loan).returned_at is not None


def test_ops_10_the_shift_page_shows_the_duty_vehicle_and_the_drivers_phone(
    on_duty: dict[str, Any], client: Any
) -> None:
    on_duty["driver"].mobile = "13900000009"
    on_duty["driver"].save()
    client.force_login(on_duty["staff_a"].user)
    page = client.get(f"/duty/shifts/{on_duty['shift'].public_id}/").content.decode()
    assert "值班车辆8448，代班司机24小时通讯畅通" in page
    assert 'href="tel:13900000009"' in page
    board = client.get("/board/").content.decode()  # the duty board says the same
    assert "值班车辆8448，代班司机24小时通讯畅通" in board
    assert 'href="tel:13900000009"' in board


def test_ops_11_merits_are_recorded_by_managers_never_for_themselves(on_duty: dict[str, Any]) -> None:
    merit = services.merit_record(
        actor=on_duty["secretary"].user, person=on_duty["staff_a"], kind="commendation", reason="火情处置得当"
    )
    assert merit.kind == DutyMerit.Kind.COMMENDATION
    with pytest.raises(RuleViolationError, match="不能为本人"):
        services.merit_record(
            actor=on_duty["secretary"].user, person=on_duty["secretary"], kind="commendation", reason="x"
        )
    with pytest.raises(RuleViolationError, match="须写明事由"):
        services.merit_record(
            actor=on_duty["secretary"].user, person=on_duty["staff_a"], kind="dereliction", reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.merit_record(
            actor=on_duty["staff_a"].user, person=on_duty["colleague"], kind="dereliction", reason="x"
        )


def test_ops_07_shift_report_is_due_after_the_close_and_reviewed_by_the_supervisor(on_duty: dict[str, Any]) -> None:
    from zhiban.duty.tests.test_log import _close

    adopt(on_duty, "maintenance")  # OPS-07: submit_within = 24h; OPS-12 items 清洁卫生、安全措施、公务保密
    shift = on_duty["shift"]
    services.checklist_fill(
        actor=on_duty["staff_a"].user,
        shift=shift,
        answers={"清洁卫生": True, "安全措施": True, "公务保密": True},
        notes={},
    )
    services.shift_close(actor=on_duty["staff_a"].user, shift=shift)  # maintenance has no handover rule
    shift.refresh_from_db()
    on_duty["travel"].move_to(shift.closed_at + dt.timedelta(hours=24) - dt.timedelta(seconds=1))
    run_worker()
    assert not any(s.startswith("值班报告表未提交") for s in inbox_subjects(on_duty["staff_a"]))
    on_duty["travel"].move_to(shift.closed_at + dt.timedelta(hours=24))
    run_worker()
    assert any(s.startswith("值班报告表未提交") for s in inbox_subjects(on_duty["staff_a"]))
    report = services.report_submit(actor=on_duty["staff_a"].user, shift=shift, remarks="平稳")
    assert report.summary["staff"]
    with pytest.raises(PermissionDenied):
        services.report_review(actor=on_duty["leader"].user, report=report)  # on the shift, and no manager
    reviewed = services.report_review(actor=on_duty["secretary"].user, report=report, note="已阅")
    assert reviewed.reviewed_at is not None
    del _close


def test_ops_05_the_days_report_is_reminded_at_the_window_and_missed_at_due(duty: dict[str, Any]) -> None:
    override(duty, "OPS-05", "holidays_only", False)  # every day reports: the 7th is an ordinary Monday
    duty["travel"].move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=duty["shift"].starts_at.tzinfo).astimezone(dt.UTC))
    from zhiban.core import clock

    duty["travel"].move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=clock.local_tz()))
    duty_jobs.prepare({})
    report = DailyReport.objects.get(date=dt.date(2026, 12, 7))
    assert report.officer == duty["staff_a"]
    assert report.due_at == dt.datetime(2026, 12, 7, 16, 30, tzinfo=clock.local_tz())
    duty["travel"].move_to(dt.datetime(2026, 12, 7, 16, 0, tzinfo=clock.local_tz()))
    run_worker()
    assert any("16:30前报送" in s for s in inbox_subjects(duty["staff_a"]))
    duty["travel"].move_to(dt.datetime(2026, 12, 7, 16, 29, tzinfo=clock.local_tz()))
    run_worker()
    report.refresh_from_db()
    assert not report.missed
    duty["travel"].move_to(dt.datetime(2026, 12, 7, 16, 30, tzinfo=clock.local_tz()))
    run_worker()
    report.refresh_from_db()
    assert report.missed
    assert any("逾期未报" in s for s in inbox_subjects(duty["leader"]))


def test_ops_05_only_holiday_periods_report_by_default(duty: dict[str, Any]) -> None:
    from zhiban.core import clock

    duty["travel"].move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=clock.local_tz()))
    duty_jobs.prepare({})
    assert not DailyReport.objects.exists()


def test_ops_08_a_challenge_goes_by_text_message_and_a_reply_answers_it(on_duty: dict[str, Any]) -> None:
    import json

    from django.test import Client
    from django.urls import reverse

    from zhiban.notify import sms
    from zhiban.notify.models import OutboxMessage
    from zhiban.notify.services import unit_channel_create

    staff = on_duty["staff_a"]
    staff.mobile = "13800138000"
    staff.save()
    gateway = unit_channel_create(
        actor=None, unit=on_duty["org"], kind="sms_gateway", label="短信平台", url="http://127.0.0.1:9/send", secret="k"
    )
    check = _challenge(on_duty)
    assert OutboxMessage.objects.filter(recipient=staff.user, channel="sms").count() == 1  # sent whatever they chose
    on_duty["travel"].move_to(_due(check) - minutes(1))
    body = json.dumps({"from": "+8613800138000", "text": "在岗", "id": "gw-1"}, ensure_ascii=False).encode()
    timestamp = str(int((_due(check) - minutes(1)).timestamp()))
    response = Client().post(
        reverse("notify:sms_reply", args=[gateway.public_id]),
        data=body,
        content_type="application/json",
        headers={sms.TIMESTAMP_HEADER: timestamp, sms.SIGNATURE_HEADER: sms.reply_signature("k", timestamp, body)},
    )
    assert response.json()["handled"] is True
    check.refresh_from_db()
    assert (check.present, check.answered_via) == (True, "sms")


def test_ops_08_a_scheduled_random_challenge_goes_to_someone_on_duty_at_that_time(on_duty: dict[str, Any]) -> None:
    at = on_duty["shift"].starts_at + minutes(120)
    services.spot_check_schedule(actor=on_duty["secretary"].user, shift=on_duty["shift"], at=at)
    with pytest.raises(ValidationError):
        services.spot_check_schedule(
            actor=on_duty["secretary"].user, shift=on_duty["shift"], at=on_duty["shift"].ends_at + minutes(1)
        )
    with pytest.raises(PermissionDenied):
        services.spot_check_schedule(actor=on_duty["staff_a"].user, shift=on_duty["shift"], at=at)
    on_duty["travel"].move_to(at - minutes(1))
    run_worker()
    assert not SpotCheck.objects.exists()
    on_duty["travel"].move_to(at)
    run_worker()
    check = SpotCheck.objects.get()
    assert check.person in (on_duty["staff_a"], on_duty["leader"])  # checked in then
    assert check.issued_by == on_duty["secretary"].user
