"""Correcting one day: the system administrator only, with a reason, audited with before and after."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.accounts.models import AdminRole, User
from zhiban.calendar import services
from zhiban.calendar.models import CalendarDay, Kind, Source
from zhiban.calendar.tests.conftest import snapshot
from zhiban.core.models import AuditEvent
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_cal_01_correction_is_audited_with_before_and_after(seeded: object, sysadmin: User) -> None:
    row = services.calendar_day_correct(
        actor=sysadmin, day=dt.date(2026, 12, 31), kind="in_lieu_rest", holiday_name="元旦", reason="市政府通知"
    )
    assert (row.kind, row.holiday_name, row.is_working_day, row.source) == (
        Kind.IN_LIEU_REST,
        "元旦",
        False,
        Source.MANUAL_CORRECTION,
    )
    (event,) = AuditEvent.objects.filter(action="calendar.day.correct")
    assert event.actor == sysadmin
    assert event.object_id == "2026-12-31"
    assert event.summary == {
        "before": {
            "kind": "workday",
            "holiday_name": "",
            "is_working_day": True,
            "source": "chinesecalendar",
            "provisional": False,
        },
        "after": {
            "kind": "in_lieu_rest",
            "holiday_name": "元旦",
            "is_working_day": False,
            "source": "manual_correction",
            "provisional": False,
        },
        "reason": "市政府通知",
    }


def test_cal_01_correction_to_makeup_workday_makes_a_working_day(seeded: object) -> None:
    services.calendar_day_correct(
        actor=None, day=dt.date(2027, 2, 20), kind="makeup_workday", holiday_name="调休上班（春节）", reason="通知"
    )
    row = CalendarDay.objects.get(date=dt.date(2027, 2, 20))
    assert (row.kind, row.holiday_name, row.is_working_day, row.provisional) == (
        Kind.MAKEUP_WORKDAY,
        "春节",
        True,
        False,
    )


@pytest.mark.parametrize(
    ("day", "kind", "name", "reason", "field"),
    [
        (dt.date(2026, 12, 30), "makeup_workday", "元旦", "x", "kind"),  # a Wednesday
        (dt.date(2026, 12, 26), "in_lieu_rest", "元旦", "x", "kind"),  # a Saturday
        (dt.date(2026, 12, 31), "statutory_holiday", "", "x", "holiday_name"),
        (dt.date(2026, 12, 31), "holiday", "元旦", "x", "kind"),
        (dt.date(2026, 12, 31), "in_lieu_rest", "元旦", "  ", "reason"),
        (dt.date(2026, 12, 31), "in_lieu_rest", "元旦", "x" * 201, "reason"),
        (dt.date(2026, 12, 31), "workday", "", "x", "kind"),  # no change
        (dt.date(2030, 1, 2), "in_lieu_rest", "元旦", "x", "date"),  # not in the calendar
    ],
)
def test_cal_01_bad_correction_changes_nothing(
    seeded: object, day: dt.date, kind: str, name: str, reason: str, field: str
) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        services.calendar_day_correct(actor=None, day=day, kind=kind, holiday_name=name, reason=reason)
    assert field in raised.value.message_dict
    assert snapshot() == before


def test_cal_01_reason_at_its_limit_is_accepted(seeded: object) -> None:
    services.calendar_day_correct(
        actor=None, day=dt.date(2026, 12, 31), kind="in_lieu_rest", holiday_name="元旦", reason="理" * 200
    )
    assert CalendarDay.objects.get(date=dt.date(2026, 12, 31)).note == "理" * 200


@pytest.mark.parametrize("admin_role", [AdminRole.SECURITY, AdminRole.AUDIT, AdminRole.NONE])
def test_cal_01_others_cannot_correct(seeded: object, admin_role: str) -> None:
    user = UserFactory.create(admin_role=admin_role)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.calendar_day_correct(
            actor=user, day=dt.date(2026, 12, 31), kind="in_lieu_rest", holiday_name="元旦", reason="x"
        )
    assert snapshot() == before
