"""Roster services: setup from the pack, periods, draft edits checked by the rules, publish, corrections."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.core.models import AuditEvent, Job
from zhiban.notify.models import OutboxMessage
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.services import policy_adopt
from zhiban.roster import selectors, services
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion, ShiftType
from zhiban.roster.tests.conftest import DECEMBER, fill_day, local

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)


def _codes(error: ValidationError) -> list[str]:
    return (
        [e.code or "" for errors in error.error_dict.values() for e in errors] if hasattr(error, "error_dict") else []
    )


# ------------------------------------------------------------------------------------ setup


def test_ros_01_bureau_shift_types_from_the_pack(roster_org: dict[str, Any]) -> None:
    duty = roster_org["duty"]
    assert duty.code == "duty"
    assert (duty.summer_start, duty.summer_end) == (dt.time(9), dt.time(9))
    assert duty.posts() == [("duty_leader", 1), ("duty_officer", 1), ("standby_driver", 1)]
    assert set(duty.day_kinds) == {"workday", "rest_day", "holiday"}


@pytest.mark.parametrize(
    ("pack", "codes"),
    [
        ("bureau-shifts", ["workday", "day", "night"]),
        ("maintenance", ["after_hours", "rest_day"]),
        ("company-shifts", ["after_hours", "day", "night"]),
        ("service-center", ["early", "late", "night"]),
    ],
)
def test_ros_01_every_pack_seeds_its_shift_types(org_tree: dict[str, Any], pack: str, codes: list[str]) -> None:
    policy_adopt(actor=None, organisation=org_tree["org"], pack_id=pack)
    shifts = services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])
    assert [s.code for s in shifts] == codes


def test_cal_03_bureau_shifts_night_has_summer_and_winter_times(org_tree: dict[str, Any]) -> None:
    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="bureau-shifts")
    night = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])}["night"]
    assert (night.summer_start, night.winter_start) == (dt.time(20), dt.time(19))


def test_setup_again_updates_in_place_and_is_audited_once(roster_org: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    services.roster_setup_from_pack(actor=roster_org["secretary"].user, organisation=roster_org["org"])
    assert ShiftType.objects.filter(organisation=roster_org["org"]).count() == 1
    assert AuditEvent.objects.count() == before + 1


def test_setup_refused_to_a_department_head(roster_org: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.roster_setup_from_pack(actor=roster_org["head_a"].user, organisation=roster_org["org"])


# ------------------------------------------------------------------------------------ periods


def test_ros_03_bureau_deadline_is_the_end_of_the_previous_month(period: RosterPeriod) -> None:
    assert period.publish_deadline == local(2026, 12, 1)
    assert period.status == RosterPeriod.Status.OPEN


def test_ros_03_maintenance_deadline_is_lead_days_before_the_duty(org_tree: dict[str, Any]) -> None:
    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="maintenance")
    services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])
    period = services.period_open(actor=None, unit=org_tree["dept_a"], start=dt.date(2026, 12, 5), end=DECEMBER[1])
    assert period.publish_deadline == local(2026, 12, 4)


def test_ros_03_department_head_compiles_only_where_the_pack_says_so(roster_org: dict[str, Any]) -> None:
    head = roster_org["head_a"].user
    with pytest.raises(PermissionDenied):  # bureau: the secretariat compiles
        services.period_open(actor=head, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    assert not RosterPeriod.objects.exists()


def test_ros_03_department_head_compiles_own_department_under_maintenance(org_tree: dict[str, Any]) -> None:
    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="maintenance")
    services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])
    head = org_tree["head_a"].user
    period = services.period_open(actor=head, unit=org_tree["station_a"], start=DECEMBER[0], end=DECEMBER[1])
    assert period.unit == org_tree["station_a"]
    with pytest.raises(PermissionDenied):
        services.period_open(actor=head, unit=org_tree["dept_b"], start=DECEMBER[0], end=DECEMBER[1])
    assert RosterPeriod.objects.count() == 1


@pytest.mark.parametrize("who", ["staff_a", "head_b"])
def test_unprivileged_cannot_open_or_edit(roster_org: dict[str, Any], period: RosterPeriod, who: str) -> None:
    user = roster_org[who].user
    with pytest.raises(PermissionDenied):
        services.period_open(actor=user, unit=roster_org["org"], start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31))
    with pytest.raises(PermissionDenied):
        services.assignment_set(
            actor=user,
            period=period,
            day=DEC_3,
            shift_type=roster_org["duty"],
            post="duty_officer",
            people=[roster_org["staff_a"]],
        )
    assert not Assignment.objects.exists()


def test_overlapping_period_refused_naming_the_field(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    with pytest.raises(ValidationError) as caught:
        services.period_open(actor=None, unit=roster_org["org"], start=dt.date(2026, 12, 31), end=dt.date(2027, 1, 5))
    assert "start" in caught.value.message_dict


# ------------------------------------------------------------------------------------ edits


def test_first_edit_makes_the_draft(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    before = AuditEvent.objects.count()
    services.assignment_set(
        actor=roster_org["secretary"].user,
        period=period,
        day=DEC_3,
        shift_type=roster_org["duty"],
        post="duty_officer",
        people=[roster_org["staff_a"]],
    )
    period.refresh_from_db()
    assert period.status == RosterPeriod.Status.DRAFT
    assert AuditEvent.objects.count() == before + 1
    draft = selectors.draft_of(period)
    assert draft is not None
    assert draft.number == 0
    assert [a.person for a in draft.assignments.all()] == [roster_org["staff_a"]]


def test_org_03_guard_refused_as_duty_officer(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    with pytest.raises(RuleViolationError) as caught:
        services.assignment_set(
            actor=None,
            period=period,
            day=DEC_3,
            shift_type=roster_org["duty"],
            post="duty_officer",
            people=[roster_org["guard"]],
        )
    assert caught.value.codes == ["ORG-03.outsider_never_on_duty"]
    assert "ORG-03" in " ".join(caught.value.messages)
    assert not Assignment.objects.exists()


def test_org_03_person_of_another_organisation_refused(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    with pytest.raises(RuleViolationError) as caught:
        services.assignment_set(
            actor=None,
            period=period,
            day=DEC_3,
            shift_type=roster_org["duty"],
            post="duty_officer",
            people=[roster_org["outsider"]],
        )
    assert caught.value.rule_ids == ["ORG-03"]


def test_ros_01_only_leaders_as_leader_on_duty(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    kwargs: dict[str, Any] = {
        "actor": None,
        "period": period,
        "day": DEC_3,
        "shift_type": roster_org["duty"],
        "post": "duty_leader",
    }
    services.assignment_set(people=[roster_org["leader"]], **kwargs)
    with pytest.raises(ValidationError) as caught:
        services.assignment_set(people=[roster_org["staff_a"]], **kwargs)
    assert _codes(caught.value) == ["ROS-01.qualification"]
    assert "ROS-01" in caught.value.messages[0]
    assert [a.person for a in Assignment.objects.all()] == [roster_org["leader"]]


def test_ros_01_only_drivers_as_driver(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    kwargs: dict[str, Any] = {
        "actor": None,
        "period": period,
        "day": DEC_3,
        "shift_type": roster_org["duty"],
        "post": "standby_driver",
    }
    with pytest.raises(ValidationError) as caught:
        services.assignment_set(people=[roster_org["leader"]], **kwargs)
    assert _codes(caught.value) == ["ROS-01.qualification"]
    services.assignment_set(people=[roster_org["driver"]], **kwargs)
    assert Assignment.objects.get().person == roster_org["driver"]


def test_ros_01_headcount_at_the_limit_and_past_it(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    kwargs: dict[str, Any] = {
        "actor": None,
        "period": period,
        "day": DEC_3,
        "shift_type": roster_org["duty"],
        "post": "duty_officer",
    }
    services.assignment_set(people=[roster_org["staff_a"]], **kwargs)  # 1 of 1
    with pytest.raises(ValidationError) as caught:
        services.assignment_set(people=[roster_org["staff_a"], roster_org["head_a"]], **kwargs)
    assert _codes(caught.value) == ["ROS-01.headcount"]
    assert Assignment.objects.count() == 1


def test_date_outside_the_period_refused(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    with pytest.raises(ValidationError) as caught:
        services.assignment_set(
            actor=None,
            period=period,
            day=dt.date(2027, 1, 1),
            shift_type=roster_org["duty"],
            post="duty_officer",
            people=[roster_org["staff_a"]],
        )
    assert "date" in caught.value.message_dict


def test_ros_01_shift_not_worked_on_that_kind_of_day(org_tree: dict[str, Any]) -> None:
    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="bureau-shifts")
    shifts = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])}
    period = services.period_open(actor=None, unit=org_tree["org"], start=DECEMBER[0], end=DECEMBER[1])
    kwargs: dict[str, Any] = {
        "actor": None,
        "period": period,
        "shift_type": shifts["night"],
        "post": "duty_officer",
        "people": [org_tree["staff_a"]],
    }
    services.assignment_set(day=dt.date(2026, 12, 5), **kwargs)  # a Saturday: night shift worked
    with pytest.raises(ValidationError) as caught:
        services.assignment_set(day=dt.date(2026, 12, 4), **kwargs)  # a Friday: it is not
    assert _codes(caught.value) == ["ROS-01.shift_days"]


def test_clear_empties_the_cell(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    kwargs: dict[str, Any] = {
        "actor": None,
        "period": period,
        "day": DEC_3,
        "shift_type": roster_org["duty"],
        "post": "duty_officer",
    }
    services.assignment_set(people=[roster_org["staff_a"]], **kwargs)
    services.assignment_clear(**kwargs)
    assert not Assignment.objects.exists()


# ------------------------------------------------------------------------------------ publish


def test_ros_03_publish_notifies_everyone_and_schedules_reminders(
    roster_org: dict[str, Any], period: RosterPeriod
) -> None:
    fill_day(roster_org, period, DEC_3)
    fill_day(roster_org, period, dt.date(2026, 12, 4), officer=roster_org["staff_b"])
    before = AuditEvent.objects.count()
    version = services.period_publish(actor=roster_org["secretary"].user, period=period)
    assert version.number == 1
    assert not version.late
    assert AuditEvent.objects.count() == before + 1
    period.refresh_from_db()
    assert period.status == RosterPeriod.Status.PUBLISHED
    assert period.published_version == version
    recipients = set(OutboxMessage.objects.values_list("recipient__username", flat=True))
    assert recipients == {"leader", "staff_a", "staff_b", "driver"}
    reminders = Job.objects.filter(kind=services.REMINDER_KIND)
    assert reminders.count() == 6 * 2  # 6 assignments, the day before and an hour before
    staff_a_hour = reminders.get(payload__person=roster_org["staff_a"].pk, payload__lead="hour")
    assert staff_a_hour.due_at == local(2026, 12, 3, 8)  # the duty starts at 9:00
    staff_a_day = reminders.get(payload__person=roster_org["staff_a"].pk, payload__lead="day")
    assert staff_a_day.due_at == local(2026, 12, 2, 9)


def test_ros_03_reminder_job_reaches_the_person(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    fill_day(roster_org, period, DEC_3)
    services.period_publish(actor=None, period=period)
    from zhiban.roster.jobs import duty_reminder

    job = Job.objects.get(kind=services.REMINDER_KIND, payload__person=roster_org["leader"].pk, payload__lead="hour")
    OutboxMessage.objects.all().delete()
    duty_reminder(job.payload)
    assert set(OutboxMessage.objects.values_list("recipient__username", flat=True)) == {"leader"}
    assert "值班提醒" in OutboxMessage.objects.first().subject  # type: ignore[union-attr]


def test_ros_03_publish_at_the_deadline_is_on_time_and_just_past_is_late(
    roster_org: dict[str, Any], period: RosterPeriod
) -> None:
    fill_day(roster_org, period, dt.date(2026, 12, 20))
    roster_org["travel"].move_to(local(2026, 12, 1))
    assert services.period_publish(actor=None, period=period).late is False
    other = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, other, dt.date(2026, 12, 20))
    roster_org["travel"].move_to(local(2026, 12, 1, 0, 1))
    assert services.period_publish(actor=None, period=other).late is True


def test_publish_an_empty_draft_is_refused(period: RosterPeriod) -> None:
    with pytest.raises(ValidationError) as caught:
        services.period_publish(actor=None, period=period)
    assert "period" in caught.value.message_dict
    assert not RosterVersion.objects.exists()


# ------------------------------------------------------------------------------------ corrections


@pytest.fixture
def published(roster_org: dict[str, Any], period: RosterPeriod) -> RosterPeriod:
    fill_day(roster_org, period, DEC_3)
    fill_day(roster_org, period, dt.date(2026, 12, 4))
    services.period_publish(actor=None, period=period)
    period.refresh_from_db()
    return period


def test_ros_03_published_roster_is_not_edited_in_place(roster_org: dict[str, Any], published: RosterPeriod) -> None:
    with pytest.raises(ValidationError) as caught:
        services.assignment_set(
            actor=None,
            period=published,
            day=DEC_3,
            shift_type=roster_org["duty"],
            post="duty_officer",
            people=[roster_org["head_a"]],
        )
    assert _codes(caught.value) == ["ROS-03.change_only_by_request"]
    assert set(Assignment.objects.filter(date=DEC_3, post="duty_officer").values_list("person__name", flat=True)) == {
        "staff_a"
    }


def test_ros_03_correction_needs_a_reason(roster_org: dict[str, Any], published: RosterPeriod) -> None:
    with pytest.raises(ValidationError) as caught:
        services.roster_correct(
            actor=roster_org["secretary"].user,
            period=published,
            day=DEC_3,
            shift_type=roster_org["duty"],
            post="duty_officer",
            people=[roster_org["head_a"]],
            reason="  ",
        )
    assert "reason" in caught.value.message_dict
    assert RosterVersion.objects.count() == 1


def test_ros_03_correction_is_a_new_version_with_a_diff(roster_org: dict[str, Any], published: RosterPeriod) -> None:
    OutboxMessage.objects.all().delete()
    before = AuditEvent.objects.count()
    version = services.roster_correct(
        actor=roster_org["secretary"].user,
        period=published,
        day=DEC_3,
        shift_type=roster_org["duty"],
        post="duty_officer",
        people=[roster_org["head_a"]],
        reason="staff_a is sick",
    )
    assert version.number == 2
    assert version.note == "staff_a is sick"
    assert AuditEvent.objects.count() == before + 1
    published.refresh_from_db()
    assert published.published_version == version
    v1 = RosterVersion.objects.get(period=published, number=1)
    assert v1.assignments.count() == version.assignments.count() == 6  # v1 untouched
    assert v1.assignments.filter(person=roster_org["staff_a"], date=DEC_3).exists()
    changes = selectors.version_diff(v1, version)
    assert [(c.date, c.removed, c.added) for c in changes] == [(DEC_3, ("staff_a",), ("head_a",))]
    assert set(OutboxMessage.objects.values_list("recipient__username", flat=True)) == {"staff_a", "head_a"}
    removed = Job.objects.get(payload__person=roster_org["staff_a"].pk, payload__date="2026-12-03", payload__lead="day")
    assert removed.status == Job.Status.CANCELLED
    assert Job.objects.filter(payload__person=roster_org["head_a"].pk, status=Job.Status.PENDING).count() == 2


def test_ros_03_correction_checked_by_org_03(roster_org: dict[str, Any], published: RosterPeriod) -> None:
    with pytest.raises(RuleViolationError):
        services.roster_correct(
            actor=None,
            period=published,
            day=DEC_3,
            shift_type=roster_org["duty"],
            post="duty_officer",
            people=[roster_org["guard"]],
            reason="x",
        )
    assert RosterVersion.objects.count() == 1


# ------------------------------------------------------------------------------------ kiosk tokens


def test_kiosk_token_made_and_revoked(roster_org: dict[str, Any]) -> None:
    token, secret = services.kiosk_token_create(
        actor=roster_org["secretary"].user, unit=roster_org["org"], label="大厅"
    )
    assert selectors.kiosk_token_lookup(secret) == token
    assert token.secret_hash != secret
    services.kiosk_token_revoke(actor=roster_org["secretary"].user, token=token)
    assert selectors.kiosk_token_lookup(secret) is None


def test_kiosk_token_refused_to_unprivileged(roster_org: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.kiosk_token_create(actor=roster_org["staff_a"].user, unit=roster_org["dept_a"], label="x")


# ------------------------------------------------------------------------------------ deadline reminders


def test_ros_03_opening_schedules_deadline_reminders_and_escalation(roster_org: dict[str, Any]) -> None:
    period = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    due = {
        job.payload["stage"]: job.due_at
        for job in Job.objects.filter(kind=services.DEADLINE_KIND, payload__period=period.pk)
    }
    assert due == {"d3": local(2026, 11, 28), "d1": local(2026, 11, 30), "missed": local(2026, 12, 1)}


def test_ros_03_deadline_reminder_goes_to_the_compiler_and_escalation_to_the_head(
    roster_org: dict[str, Any],
) -> None:
    from zhiban.roster.jobs import publish_deadline

    period = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
    OutboxMessage.objects.all().delete()
    publish_deadline({"period": period.pk, "stage": "d1"})
    assert set(OutboxMessage.objects.values_list("recipient__username", flat=True)) == {"secretary"}
    OutboxMessage.objects.all().delete()
    publish_deadline({"period": period.pk, "stage": "missed"})
    assert set(OutboxMessage.objects.values_list("recipient__username", flat=True)) == {"secretary", "head_a"}
    assert "逾期" in OutboxMessage.objects.first().subject  # type: ignore[union-attr]


def test_ros_03_no_deadline_reminder_once_published(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    from zhiban.roster.jobs import publish_deadline

    fill_day(roster_org, period, DEC_3)
    services.period_publish(actor=None, period=period)
    OutboxMessage.objects.all().delete()
    publish_deadline({"period": period.pk, "stage": "missed"})
    assert not OutboxMessage.objects.exists()


def test_ros_03_department_compiler_gets_the_reminder_under_maintenance(org_tree: dict[str, Any]) -> None:
    from zhiban.roster.jobs import publish_deadline

    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="maintenance")
    services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])
    period = services.period_open(actor=None, unit=org_tree["station_a"], start=DECEMBER[0], end=DECEMBER[1])
    publish_deadline({"period": period.pk, "stage": "d1"})
    assert set(OutboxMessage.objects.values_list("recipient__username", flat=True)) == {"head_a"}


def test_ros_01_one_person_one_post_per_shift(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    kwargs: dict[str, Any] = {"actor": None, "period": period, "day": DEC_3, "shift_type": roster_org["duty"]}
    services.assignment_set(post="duty_leader", people=[roster_org["leader"]], **kwargs)
    with pytest.raises(ValidationError) as caught:
        services.assignment_set(post="duty_officer", people=[roster_org["leader"]], **kwargs)
    assert _codes(caught.value) == ["ROS-01.one_post"]
    services.assignment_set(post="duty_officer", people=[roster_org["staff_a"]], **kwargs)
    assert Assignment.objects.count() == 2


# ------------------------------------------------------------------------------------ bulk fill


def test_draft_fill_writes_all_cells_keeps_pinned_and_is_audited_once(
    roster_org: dict[str, Any], period: RosterPeriod
) -> None:
    duty = roster_org["duty"]
    services.assignment_set(
        actor=None,
        period=period,
        day=DEC_3,
        shift_type=duty,
        post="duty_officer",
        people=[roster_org["head_a"]],
        pinned=True,
    )
    before = AuditEvent.objects.count()
    cells = [
        (DEC_3, duty, "duty_officer", [roster_org["staff_a"]]),  # pinned: kept as head_a
        (dt.date(2026, 12, 4), duty, "duty_officer", [roster_org["staff_b"]]),
        (dt.date(2026, 12, 4), duty, "duty_leader", [roster_org["leader"]]),
    ]
    services.draft_fill(actor=roster_org["secretary"].user, period=period, cells=cells)
    assert AuditEvent.objects.count() == before + 1
    found = set(Assignment.objects.values_list("date", "post", "person__name"))
    assert found == {
        (DEC_3, "duty_officer", "head_a"),
        (dt.date(2026, 12, 4), "duty_officer", "staff_b"),
        (dt.date(2026, 12, 4), "duty_leader", "leader"),
    }


def test_org_03_draft_fill_is_all_or_nothing_naming_the_cell(roster_org: dict[str, Any], period: RosterPeriod) -> None:
    duty = roster_org["duty"]
    cells = [
        (dt.date(2026, 12, 4), duty, "duty_officer", [roster_org["staff_b"]]),
        (dt.date(2026, 12, 5), duty, "duty_officer", [roster_org["guard"]]),
    ]
    with pytest.raises(ValidationError) as caught:
        services.draft_fill(actor=None, period=period, cells=cells)
    assert "cell 2" in caught.value.messages[0]
    assert "ORG-03" in caught.value.messages[0]
    assert not Assignment.objects.exists()
