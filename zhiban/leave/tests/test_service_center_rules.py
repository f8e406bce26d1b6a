"""Service-level tests of the `service-center` leave rules, at the limit and just past it: LEAVE-09 night
shifts, LEAVE-10 holidays, LEAVE-08 the medical certificate (due on the first day back, its upload and its
continuous dates), LEAVE-01 the 消假 reminder. A refusal names the rule and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhiban.calendar.models import CalendarDay
from zhiban.core import clock, jobs
from zhiban.core.models import AuditEvent, Job
from zhiban.leave import services
from zhiban.leave.models import LeaveRequest
from zhiban.notify.models import OutboxMessage
from zhiban.org.models import Role
from zhiban.org.tests.factories import JobTypeFactory, PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import RuleEvent
from zhiban.policy.services import policy_adopt
from zhiban.roster import services as roster_services

from .conftest import local

NIGHT = dt.date(2026, 12, 8)  # staff_a's night shift, 00:00–08:00
SICK = (dt.date(2026, 12, 10), dt.date(2026, 12, 11))  # staff_a's early shifts, 08:00–16:00
HOLIDAY = dt.date(2026, 12, 12)  # marked a public holiday; staff_a on the early shift
PDF = b"%PDF-1.4 certificate"


def _person(name: str, unit: Any, role: str | None = None) -> Any:
    person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name))
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


@pytest.fixture
def centre(org_tree: dict[str, Any]) -> Any:
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
        tree["team_lead"] = _person("banzhang", tree["station_a"], Role.TEAM_LEAD)
        tree["colleague"] = _person("colleague", tree["station_a"])
        tree["colleague"].job_type = tree["staff_a"].job_type  # an operator too: a seat is an operator's (ROS-01)
        tree["colleague"].save(update_fields=["job_type"])
        CalendarDay.objects.update_or_create(
            date=HOLIDAY,
            defaults={
                "kind": "statutory_holiday",
                "holiday_name": "假日",
                "is_working_day": False,
                "source": "manual_correction",
                "updated_at": clock.now(),
            },
        )
        shifts = {s.code: s for s in roster_services.roster_setup_from_pack(actor=None, organisation=org)}
        period = roster_services.period_open(
            actor=tree["secretary"].user, unit=org, start=dt.date(2026, 12, 7), end=dt.date(2026, 12, 13)
        )
        for day, code in [(NIGHT, "night"), (SICK[0], "early"), (SICK[1], "early"), (HOLIDAY, "early")]:
            roster_services.assignment_set(
                actor=tree["secretary"].user,
                period=period,
                day=day,
                shift_type=shifts[code],
                post="duty_officer",
                people=[tree["staff_a"]],
            )
        roster_services.period_publish(actor=tree["secretary"].user, period=period)
        period.refresh_from_db()
        tree.update(travel=traveller, period=period, shifts=shifts)
        yield tree


def file(tree: dict[str, Any], **changes: Any) -> LeaveRequest:
    values: dict[str, Any] = {
        "actor": tree["staff_a"].user,
        "person": tree["staff_a"],
        "kind": "annual",
        "starts_at": local(2026, 12, 8, 0),
        "ends_at": local(2026, 12, 8, 8),
        "reason": "家中有事",
    }
    values.update(changes)
    return services.leave_file(**values)


def unchanged(events: int) -> None:
    assert LeaveRequest.objects.count() == 0
    assert AuditEvent.objects.count() == events


# ── LEAVE-09 night shifts ────────────────────────────────────────────────────


def test_leave_09_night_shift_leave_asked_at_noon_the_day_it_begins_warns_and_needs_a_reason(centre: dict) -> None:
    centre["travel"].move_to(local(2026, 12, 7, 12, 0))  # the night of the 8th begins at 00:00: "that day" is the 7th
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as needs_reason:
        file(centre)
    assert "warning_reason" in needs_reason.value.message_dict
    assert "LEAVE-09" in needs_reason.value.message_dict["warning_reason"][0]
    unchanged(events)
    leave = file(centre, warning_reason="家人住院")
    assert leave.night_exception
    event = RuleEvent.objects.get(code="LEAVE-09.night_shift_exception")
    assert (event.outcome, event.reason) == ("overridden", "家人住院")


def test_leave_09_night_shift_leave_asked_a_minute_past_noon_is_refused_and_nothing_changes(centre: dict) -> None:
    centre["travel"].move_to(local(2026, 12, 7, 12, 1))
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        file(centre, warning_reason="家人住院")
    assert "LEAVE-09.exception_deadline" in refused.value.codes
    assert "LEAVE-09" in str(refused.value)
    unchanged(events)


# ── LEAVE-10 public holidays ─────────────────────────────────────────────────


def holiday_leave(tree: dict[str, Any], **changes: Any) -> LeaveRequest:
    return file(tree, starts_at=local(2026, 12, 12, 0), ends_at=local(2026, 12, 13, 0), **changes)


def test_leave_10_plain_holiday_leave_is_refused_and_nothing_changes(centre: dict) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        holiday_leave(centre)
    assert refused.value.codes == ["LEAVE-10.holiday_leave_refused"]
    unchanged(events)


def test_leave_10_exception_asked_one_day_ahead_is_refused_two_days_ahead_accepted(centre: dict) -> None:
    centre["travel"].move_to(local(2026, 12, 11, 0, 0))  # 1 day ahead
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        holiday_leave(centre, holiday_exception=True)
    assert refused.value.codes == ["LEAVE-10.exception_path"]
    unchanged(events)
    centre["travel"].move_to(local(2026, 12, 10, 23, 59))  # 2 days ahead
    leave = holiday_leave(centre, holiday_exception=True)
    assert (leave.status, leave.holiday_exception) == ("pending", True)


# ── LEAVE-08 medical certificate ─────────────────────────────────────────────


def sick_leave(tree: dict[str, Any]) -> LeaveRequest:
    return file(tree, kind="sick", starts_at=local(2026, 12, 10, 0), ends_at=local(2026, 12, 12, 0))


def approve_with_cover(tree: dict[str, Any], leave: LeaveRequest) -> None:
    for day in SICK:
        services.cover_choose(
            actor=tree["staff_a"].user,
            leave=leave,
            period=tree["period"],
            day=day,
            shift_type=tree["shifts"]["early"],
            post="duty_officer",
            substitute=tree["colleague"],
        )
    for approver in ("cs_director", "centre_director"):
        services.leave_decide(actor=tree[approver].user, leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == "approved"


def run_jobs_at(tree: dict[str, Any], moment: dt.datetime) -> None:
    tree["travel"].move_to(moment)
    jobs.drain_jobs("test#1", 50)


def told(person: Any, prefix: str) -> int:
    return OutboxMessage.objects.filter(recipient=person.user, subject__startswith=prefix).count()


def test_leave_08_certificate_is_due_the_first_day_back_and_the_reminder_fires_then_not_before(centre: dict) -> None:
    leave = sick_leave(centre)
    assert leave.certificate_due == dt.date(2026, 12, 12)
    approve_with_cover(centre, leave)
    run_jobs_at(centre, local(2026, 12, 12, 16, 59))
    assert Job.objects.get(kind="leave.certificate_due").status == "pending"
    assert told(centre["team_lead"], "病假证明提醒") == 0
    run_jobs_at(centre, local(2026, 12, 12, 17, 0))
    assert Job.objects.get(kind="leave.certificate_due").status == "done"
    assert told(centre["team_lead"], "病假证明提醒") == 1
    assert told(centre["staff_a"], "病假证明提醒") == 1


def test_leave_08_certificate_handed_in_stops_the_reminder(centre: dict, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    upload(centre, leave, PDF, "zheng.pdf", SICK[0], SICK[1])
    run_jobs_at(centre, local(2026, 12, 12, 17, 0))
    assert told(centre["team_lead"], "病假证明提醒") == 0


def upload(tree: dict[str, Any], leave: LeaveRequest, content: bytes, name: str, start: Any, end: Any) -> Any:
    return services.certificate_upload(
        actor=tree["staff_a"].user,
        leave=leave,
        certificate=SimpleUploadedFile(name, content),
        covers_from=start,
        covers_to=end,
    )


@pytest.mark.parametrize(
    ("content", "name", "field", "says"),
    [
        (b"plain text", "zheng.txt", "certificate", "只接受"),
        (b"GIF89a....", "zheng.pdf", "certificate", "文件内容与类型不符"),
        (PDF + b"0" * (services.CERTIFICATE_MAX_BYTES - len(PDF) + 1), "zheng.pdf", "certificate", "不能超过5MB"),
    ],
)
def test_leave_08_certificate_upload_checks_type_and_size_naming_the_field(
    centre: dict, settings: Any, tmp_path: Any, content: bytes, name: str, field: str, says: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        upload(centre, leave, content, name, *SICK)
    assert says in refused.value.message_dict[field][0]
    leave.refresh_from_db()
    assert (bool(leave.certificate), leave.certificate_at, leave.certificate_from) == (False, None, None)
    assert AuditEvent.objects.count() == events


def test_leave_08_certificate_of_exactly_the_size_limit_is_accepted(centre: dict, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    content = PDF + b"0" * (services.CERTIFICATE_MAX_BYTES - len(PDF))
    upload(centre, leave, content, "zheng.pdf", *SICK)
    leave.refresh_from_db()
    assert leave.certificate_at is not None


def test_leave_08_certificate_covering_the_whole_sick_leave_is_stored(
    centre: dict, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    upload(centre, leave, PDF, "zheng.pdf", SICK[0] - dt.timedelta(days=1), SICK[1])
    leave.refresh_from_db()
    assert (leave.certificate_from, leave.certificate_to) == (dt.date(2026, 12, 9), SICK[1])
    assert leave.certificate_at is not None
    assert AuditEvent.objects.filter(action="leave.certificate.upload").count() == 1


@pytest.mark.parametrize(
    ("start", "end", "gap"),
    [
        (SICK[0], SICK[0], "2026-12-11"),  # a day short at the end
        (SICK[1], SICK[1], "2026-12-10"),  # a day short at the start
        (dt.date(2026, 12, 1), dt.date(2026, 12, 2), "2026-12-10至2026-12-11"),  # not this leave at all
    ],
)
def test_leave_08_certificate_dates_leaving_a_gap_are_refused_and_nothing_changes(
    centre: dict, settings: Any, tmp_path: Any, start: dt.date, end: dt.date, gap: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        upload(centre, leave, PDF, "zheng.pdf", start, end)
    assert refused.value.codes == ["LEAVE-08.dates_continuous"]
    assert gap in refused.value.message_dict["certificate_from"][0]
    leave.refresh_from_db()
    assert (bool(leave.certificate), leave.certificate_from, leave.certificate_to) == (False, None, None)
    assert AuditEvent.objects.count() == events
    assert not list(tmp_path.rglob("*.pdf"))


def test_leave_08_certificate_needs_its_dates_in_order(centre: dict, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    with pytest.raises(ValidationError) as missing:
        upload(centre, leave, PDF, "zheng.pdf", None, SICK[1])
    assert "certificate_from" in missing.value.message_dict
    with pytest.raises(ValidationError) as reversed_dates:
        upload(centre, leave, PDF, "zheng.pdf", SICK[1], SICK[0])
    assert "certificate_to" in reversed_dates.value.message_dict


def test_leave_08_certificate_after_an_early_return_covers_the_days_actually_off(
    centre: dict, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    approve_with_cover(centre, leave)
    centre["travel"].move_to(local(2026, 12, 11, 8))
    services.leave_return(actor=centre["staff_a"].user, leave=leave, returned_at=local(2026, 12, 11, 0))
    leave.refresh_from_db()
    assert leave.certificate_due == SICK[1]  # back on the 11th: due that day
    upload(centre, leave, PDF, "zheng.pdf", SICK[0], SICK[0])
    leave.refresh_from_db()
    assert leave.certificate_to == SICK[0]


def test_leave_08_certificate_upload_page_shows_the_error_of_the_field(
    centre: dict, settings: Any, tmp_path: Any
) -> None:
    from zhiban.accounts.tests.clients import client_for

    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    client = client_for(centre["staff_a"])
    response = client.post(
        f"/leave/{leave.public_id}/certificate/",
        {
            "certificate": SimpleUploadedFile("zheng.pdf", PDF),
            "certificate_from": "2026-12-10",
            "certificate_to": "2026-12-10",
        },
        follow=True,
    )
    assert "LEAVE-08" in response.content.decode()
    leave.refresh_from_db()
    assert leave.certificate_at is None
    client.post(
        f"/leave/{leave.public_id}/certificate/",
        {
            "certificate": SimpleUploadedFile("zheng.pdf", PDF),
            "certificate_from": "2026-12-10",
            "certificate_to": "2026-12-11",
        },
    )
    leave.refresh_from_db()
    assert (leave.certificate_from, leave.certificate_to) == SICK


# ── LEAVE-01 消假 reminder ────────────────────────────────────────────────────


def test_leave_01_cancel_on_return_reminder_fires_when_the_leave_ends_not_before(centre: dict) -> None:
    leave = sick_leave(centre)
    approve_with_cover(centre, leave)
    run_jobs_at(centre, local(2026, 12, 11, 23, 59))
    assert Job.objects.get(kind="leave.return_reminder").status == "pending"
    assert told(centre["staff_a"], "销假提醒") == 0
    run_jobs_at(centre, local(2026, 12, 12, 0, 0))
    assert told(centre["staff_a"], "销假提醒") == 1
    assert told(centre["cs_director"], "销假提醒") == 1  # the approvers too
    assert told(centre["centre_director"], "销假提醒") == 1


def test_leave_01_no_reminder_once_the_leave_is_cancelled_on_return(centre: dict) -> None:
    leave = sick_leave(centre)
    approve_with_cover(centre, leave)
    centre["travel"].move_to(local(2026, 12, 11, 20))
    services.leave_return(actor=centre["staff_a"].user, leave=leave, returned_at=local(2026, 12, 11, 20))
    run_jobs_at(centre, local(2026, 12, 12, 0, 0))
    assert Job.objects.get(kind="leave.return_reminder").status == "done"
    assert told(centre["staff_a"], "销假提醒") == 0


# ── LEAVE-07 who may file for someone else, LEAVE-08 who is told ─────────────────────────────────────────────────


def test_leave_07_a_colleague_may_file_sick_leave_for_someone_who_is_told_but_not_personal_leave(
    centre: dict,
) -> None:
    """P7 请假 四: 事假必须由本人出面办理，不得由他人代请，病假除外 — any colleague of the organisation may file sick
    leave for someone (here one of another department), and the person hears of it; personal leave is refused."""
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        file(centre, actor=centre["staff_b"].user, kind="personal")
    assert refused.value.codes == ["LEAVE-07.filed_by_self"]
    assert refused.value.messages == [
        "LEAVE-07 事假由本人办理，病假可由他人代请 (service-center · P7 客服部请假制度汇编 四 · 策略版本 1): "
        "事假必须由staff_a本人办理，staff_b不得代请（病假除外）"
    ]
    unchanged(events)
    leave = sick_leave_by(centre, "staff_b")
    assert (leave.person, leave.filed_by) == (centre["staff_a"], centre["staff_b"].user)
    assert told(centre["staff_a"], "staff_b为您提交了请假：病假 12月10日起") == 1


def test_leave_07_someone_of_another_organisation_may_not_file_sick_leave(centre: dict) -> None:
    from django.core.exceptions import PermissionDenied

    from zhiban.org.tests.factories import UnitFactory

    stranger = _person("stranger", UnitFactory.create(name="外单位", kind="organisation"))
    with pytest.raises(PermissionDenied):
        file(centre, actor=stranger.user, kind="sick")
    assert LeaveRequest.objects.count() == 0


def test_leave_07_the_form_offers_colleagues_and_the_api_refuses_their_personal_leave_citing_the_rule(
    centre: dict,
) -> None:
    from django.test import Client

    from zhiban.accounts.tests.clients import client_for

    from .test_api_and_views import bearer

    page = client_for(centre["colleague"]).get("/leave/new/").content.decode()
    assert f'value="{centre["staff_a"].public_id}"' in page
    body = {
        "person": centre["staff_a"].public_id,
        "kind": "personal",
        "starts_at": "2026-12-10T00:00:00+08:00",
        "ends_at": "2026-12-12T00:00:00+08:00",
        "reason": "发烧",
    }
    headers = bearer(centre["colleague"])
    refused = Client().post("/api/v1/leave/requests", body, content_type="application/json", headers=headers)
    assert refused.status_code == 422
    assert [v["code"] for v in refused.json()["violations"]] == ["LEAVE-07.filed_by_self"]
    assert "不得代请（病假除外）" in refused.json()["detail"][0]
    filed = Client().post(
        "/api/v1/leave/requests", {**body, "kind": "sick"}, content_type="application/json", headers=headers
    )
    assert filed.status_code == 201
    assert LeaveRequest.objects.get().filed_by == centre["colleague"].user


def sick_leave_by(tree: dict[str, Any], filer: str, **changes: Any) -> LeaveRequest:
    values = {"starts_at": local(2026, 12, 10, 0), "ends_at": local(2026, 12, 12, 0), **changes}
    return file(tree, actor=tree[filer].user, kind="sick", **values)


def test_leave_08_an_emergency_sick_leave_is_told_to_the_team_lead_an_ordinary_one_is_not(centre: dict) -> None:
    """P7 请假 五: 急诊必须在班前电话通知（可委托他人）班长 — the team lead gets the record of the call."""
    centre["travel"].move_to(local(2026, 12, 10, 7, 30))
    ordinary = sick_leave_by(centre, "colleague", starts_at=local(2026, 12, 10, 8))
    assert told(centre["team_lead"], "急诊病假") == 0
    services.leave_cancel(actor=centre["colleague"].user, leave=ordinary)
    phoned = local(2026, 12, 10, 7)
    sick_leave_by(centre, "colleague", starts_at=local(2026, 12, 10, 8), emergency=True, phoned_at=phoned)
    message = OutboxMessage.objects.get(recipient=centre["team_lead"].user, subject__startswith="急诊病假")
    assert message.subject == "急诊病假：staff_a 病假 12月10日起"
    assert message.body == "staff_a急诊病假，已于2026-12-10 07:00（班前）电话通知班长"


def test_leave_08_a_certificate_handed_in_is_told_to_the_team_lead(centre: dict, settings: Any, tmp_path: Any) -> None:
    """P7 请假 五: 假条必须在病假到期后第一天交给班长."""
    settings.MEDIA_ROOT = tmp_path
    leave = sick_leave(centre)
    assert told(centre["team_lead"], "病假证明已提交") == 0
    upload(centre, leave, PDF, "zheng.pdf", *SICK)
    assert told(centre["team_lead"], "病假证明已提交：staff_a 12月10日至12月11日") == 1
    assert told(centre["staff_a"], "病假证明已提交") == 0  # who handed it in needs no message
