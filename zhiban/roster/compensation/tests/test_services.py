"""ROS-07 credits from published rosters, rest taken against them, the month-end run; ROS-08 report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.calendar.models import CalendarDay, Kind, Source
from zhiban.core import clock, jobs
from zhiban.core.models import AuditEvent
from zhiban.notify.models import OutboxMessage
from zhiban.policy.services import policy_parameter_override
from zhiban.roster import services as roster_services
from zhiban.roster.compensation import selectors, services
from zhiban.roster.compensation.jobs import MONTH_END_KIND
from zhiban.roster.compensation.models import RestCredit, RestTaking
from zhiban.roster.compensation.tests.conftest import DEC_3, DEC_5, DEC_6
from zhiban.roster.tests.conftest import fill_day, local

pytestmark = pytest.mark.django_db


def _credits(person: Any) -> list[tuple[dt.date, Decimal, Decimal]]:
    return [(c.date, c.days, c.taken) for c in RestCredit.objects.filter(person=person).order_by("date")]


def test_ros_07_rest_day_duty_credits_a_workday_duty_does_not(roster_org: dict[str, Any], published: Any) -> None:
    assert _credits(roster_org["staff_a"]) == [(DEC_5, Decimal("1"), Decimal("0"))]
    assert _credits(roster_org["head_a"]) == [(DEC_6, Decimal("1"), Decimal("0"))]
    assert [c[0] for c in _credits(roster_org["leader"])] == [DEC_5, DEC_6]  # every post on the day
    assert selectors.open_balance(roster_org["leader"]) == Decimal("2")


def test_ros_07_credits_are_idempotent_per_assignment(roster_org: dict[str, Any], published: Any) -> None:
    before = RestCredit.objects.count()
    assert services.credits_sync(published.published_version) == {
        "created": 0,
        "removed": 0,
        "withdrawn": 0,
        "restored": 0,
    }
    assert RestCredit.objects.count() == before == 6


def _correct(tree: dict[str, Any], period: Any, day: dt.date, person: Any) -> None:
    roster_services.roster_correct(
        actor=tree["secretary"].user,
        period=period,
        day=day,
        shift_type=tree["duty"],
        post="duty_officer",
        people=[person],
        reason="调整",
    )


def test_ros_07_a_correction_moves_the_unused_credit(roster_org: dict[str, Any], published: Any) -> None:
    _correct(roster_org, published, DEC_5, roster_org["staff_b"])
    assert _credits(roster_org["staff_a"]) == []
    assert _credits(roster_org["staff_b"]) == [(DEC_5, Decimal("1"), Decimal("0"))]


def test_ros_07_a_correction_keeps_rest_already_taken(roster_org: dict[str, Any], published: Any) -> None:
    services.rest_take(actor=roster_org["head_a"].user, person=roster_org["staff_a"], day=DEC_6, days="0.5")
    _correct(roster_org, published, DEC_5, roster_org["staff_b"])
    credit = RestCredit.objects.get(person=roster_org["staff_a"])
    assert (credit.days, credit.taken, credit.open_days) == (Decimal("0.5"), Decimal("0.5"), Decimal("0"))
    assert credit.withdrawn_at is not None
    _correct(roster_org, published, DEC_5, roster_org["staff_a"])  # back again: the full credit
    credit.refresh_from_db()
    assert (credit.days, credit.open_days, credit.withdrawn_at) == (Decimal("1"), Decimal("0.5"), None)


def test_ros_07_taking_exactly_the_open_balance_then_one_more_is_refused(
    roster_org: dict[str, Any], published: Any
) -> None:
    leader = roster_org["leader"]
    secretary = roster_org["secretary"].user
    events = AuditEvent.objects.count()
    taking = services.rest_take(actor=secretary, person=leader, day=dt.date(2026, 12, 10), days="2", note="补休")
    assert taking.days == Decimal("2")
    assert [a["date"] for a in taking.allocations] == ["2026-12-05", "2026-12-06"]
    assert selectors.open_balance(leader) == Decimal("0")
    assert AuditEvent.objects.count() == events + 1
    state = (_credits(leader), RestTaking.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match="ROS-07") as refused:
        services.rest_take(actor=secretary, person=leader, day=dt.date(2026, 12, 11), days="0.5")
    assert "days" in refused.value.message_dict
    assert (_credits(leader), RestTaking.objects.count(), AuditEvent.objects.count()) == state


def test_ros_07_only_the_department_head_or_secretariat_records_rest(
    roster_org: dict[str, Any], published: Any
) -> None:
    staff_a = roster_org["staff_a"]
    for actor in (None, roster_org["head_b"].user, roster_org["staff_b"].user, staff_a.user):
        with pytest.raises(PermissionDenied):
            services.rest_take(actor=actor, person=staff_a, day=DEC_6, days="1")
    assert RestTaking.objects.count() == 0
    assert selectors.open_balance(staff_a) == Decimal("1")
    services.rest_take(actor=roster_org["head_a"].user, person=staff_a, day=DEC_6, days="1")
    assert selectors.open_balance(staff_a) == Decimal("0")
    filed = OutboxMessage.objects.filter(subject__startswith="补休备案：", recipient=roster_org["secretary"].user).get()
    assert "报秘书处备案" in filed.subject
    assert "ROS-07" in filed.body
    assert "策略版本" in filed.body


@pytest.mark.parametrize("days", ["0", "-1", "0.3", "abc", "40"])
def test_ros_07_bad_days_are_refused_naming_the_field(roster_org: dict[str, Any], published: Any, days: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.rest_take(actor=roster_org["head_a"].user, person=roster_org["staff_a"], day=DEC_6, days=days)
    assert "days" in refused.value.message_dict


def _run_month_end() -> None:
    jobs.handler_for(MONTH_END_KIND).func({})


def test_ros_07_month_end_flags_on_the_first_not_on_the_second(roster_org: dict[str, Any], published: Any) -> None:
    OutboxMessage.objects.all().delete()
    roster_org["travel"].move_to(local(2027, 1, 2, 9))
    _run_month_end()
    assert not OutboxMessage.objects.filter(subject__contains="补休提醒").exists()
    roster_org["travel"].move_to(local(2027, 1, 1, 9))
    _run_month_end()
    told = set(OutboxMessage.objects.filter(subject__contains="补休提醒").values_list("recipient__username", flat=True))
    # staff_a and head_a are in 办公室 (its head is head_a); leader and driver are at the organisation.
    assert {"head_a", "secretary"} <= told
    assert "head_b" not in told
    assert "staff_a" not in told
    body = OutboxMessage.objects.filter(subject__contains="补休提醒").values_list("body", flat=True).first()
    assert body is not None
    assert "ROS-07" in body
    assert "bureau" in body
    assert "策略版本" in body
    assert RestCredit.objects.filter(expired__gt=0).count() == 0  # warn, never silently expire
    assert selectors.open_balance(roster_org["staff_a"]) == Decimal("1")
    event = AuditEvent.objects.filter(action="roster.rest.month_end").get()
    assert event.summary["after"]["expired"] == []


def test_ros_07_expires_only_with_the_pack_parameter(roster_org: dict[str, Any], published: Any) -> None:
    policy = roster_org["org"].policy
    policy_parameter_override(actor=None, policy=policy, rule_id="ROS-07", parameter="expires_at_month_end", value=True)
    services.rest_take(actor=roster_org["secretary"].user, person=roster_org["head_a"], day=DEC_6, days="0.5")
    roster_org["travel"].move_to(local(2027, 1, 1, 9))
    _run_month_end()
    assert selectors.open_balance(roster_org["staff_a"]) == Decimal("0")
    head_credit = RestCredit.objects.get(person=roster_org["head_a"])
    assert (head_credit.taken, head_credit.expired) == (Decimal("0.5"), Decimal("0.5"))
    event = AuditEvent.objects.filter(action="roster.rest.month_end").get()
    assert len(event.summary["after"]["expired"]) == 6  # every open credit of December
    _run_month_end()  # running twice expires nothing more
    assert AuditEvent.objects.filter(action="roster.rest.month_end").count() == 1


def test_ros_08_report_rates_and_totals(maintenance: dict[str, Any]) -> None:
    report = selectors.allowance_report(maintenance["org"], dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert dict(report.rates) == {
        "after_hours": Decimal("50.00"),
        "weekend": Decimal("100.00"),
        "holiday": Decimal("200.00"),
    }
    rows = {r.person_name: (dict(r.counts), r.total) for r in report.rows}
    assert rows == {
        "王五": ({"after_hours": 1, "weekend": 1}, Decimal("150.00")),
        "赵六": ({"weekend": 1, "after_hours": 2}, Decimal("200.00")),
    }
    assert report.total == Decimal("350.00")


def test_ros_08_a_correction_changes_the_report(maintenance: dict[str, Any]) -> None:
    roster_services.roster_correct(
        actor=maintenance["secretary"].user,
        period=maintenance["period"],
        day=DEC_6,
        shift_type=maintenance["shifts"]["rest_day"],
        post="duty_officer",
        people=[maintenance["wang"]],
        reason="换班",
    )
    report = selectors.allowance_report(maintenance["org"], dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    rows = {r.person_name: r.total for r in report.rows}
    assert rows == {"王五": Decimal("250.00"), "赵六": Decimal("100.00")}
    assert report.total == Decimal("350.00")


def test_ros_07_a_pack_without_ros_07_credits_nothing(maintenance: dict[str, Any]) -> None:
    assert RestCredit.objects.filter(period=maintenance["period"]).count() == 0
    assert DEC_3 < DEC_5


def _calendar_day(day: dt.date, kind: str, working: bool, holiday: str = "") -> None:
    CalendarDay.objects.create(
        date=day,
        kind=kind,
        is_working_day=working,
        holiday_name=holiday,
        source=Source.OFFICIAL_IMPORT,
        updated_at=clock.now(),
    )


def test_ros_07_credits_follow_the_calendar_holiday_and_make_up_workday(
    roster_org: dict[str, Any], period: Any
) -> None:
    _calendar_day(DEC_3, Kind.STATUTORY_HOLIDAY, working=False, holiday="测试节")
    _calendar_day(DEC_5, Kind.MAKEUP_WORKDAY, working=True, holiday="测试节")
    fill_day(roster_org, period, DEC_3)
    fill_day(roster_org, period, DEC_5)
    roster_services.period_publish(actor=roster_org["secretary"].user, period=period)
    credit = RestCredit.objects.get(person=roster_org["staff_a"])
    assert (credit.date, credit.category) == (DEC_3, "holiday")  # the make-up Saturday credits nothing


def test_ros_07_rest_of_an_earlier_month_is_noted_by_the_rule_s_title_not_its_code(
    roster_org: dict[str, Any], published: Any
) -> None:
    from zhiban.leave.services import rest_notes

    staff_a = roster_org["staff_a"]
    assert rest_notes(staff_a, dt.date(2026, 12, 20)) == []  # rest in the month of the duty: nothing to say
    (note,) = rest_notes(staff_a, dt.date(2027, 1, 4))
    assert note.startswith("2026年12月的值班补休未在当月安排，将报部门和秘书处（")
    assert "ROS-07" not in note
