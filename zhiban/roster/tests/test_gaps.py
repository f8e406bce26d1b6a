"""ROS-01 posts_filled: an uncovered post of a published roster is chased every day until filled."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from zhiban.notify.models import OutboxMessage
from zhiban.roster import gaps, services
from zhiban.roster.models import RosterPeriod
from zhiban.roster.tests.conftest import local

DAY = dt.date(2026, 12, 3)


@pytest.fixture
def gap_period(roster_org: dict[str, Any], period: RosterPeriod) -> RosterPeriod:
    actor = roster_org["secretary"].user
    duty = roster_org["duty"]
    services.assignment_set(
        actor=actor, period=period, day=DAY, shift_type=duty, post="duty_leader", people=[roster_org["leader"]]
    )
    services.assignment_set(
        actor=actor, period=period, day=DAY, shift_type=duty, post="duty_officer", people=[roster_org["staff_a"]]
    )  # no driver: a gap
    services.period_publish(actor=actor, period=period, note="司机待定")
    period.refresh_from_db()
    return period


def _told(prefix: str) -> set[str]:
    return set(OutboxMessage.objects.filter(subject__startswith=prefix).values_list("recipient__username", flat=True))


def test_ros_01_posts_filled_gap_found_with_its_citation(roster_org: dict[str, Any], gap_period: Any) -> None:
    found = gaps.gaps_of(gap_period, DAY, DAY)
    assert [g.finding.code for g in found] == ["ROS-01.posts_filled"]
    assert "代班司机缺1人" in found[0].text
    assert gaps.gaps_of(gap_period, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1)) != []  # empty days too


def test_ros_01_posts_filled_chased_daily_and_on_the_day_escalated(roster_org: dict[str, Any], gap_period: Any) -> None:
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        assert gaps.escalate(local(2026, 12, 1, 9)) > 0
        assert _told("值班空缺待补") == {"secretary"}
        again = OutboxMessage.objects.count()
        gaps.escalate(local(2026, 12, 1, 15))  # the same day: not again
        assert OutboxMessage.objects.count() == again
    with time_machine.travel(local(2026, 12, 3, 7), tick=False):
        gaps.escalate(local(2026, 12, 3, 7))
        assert _told("今日值班空缺") == {"secretary"}  # compilers and the escalation list (here the same person)


def test_ros_01_posts_filled_stops_once_filled(roster_org: dict[str, Any], gap_period: Any) -> None:
    period = RosterPeriod.objects.create(
        unit=roster_org["dept_a"],
        start=DAY,
        end=DAY,
        status=RosterPeriod.Status.OPEN,
        publish_deadline=local(2026, 12, 2),
        created_at=local(2026, 11, 20),
    )
    assert gaps.gaps_of(period, DAY, DAY) == []  # unpublished: nothing to chase
    services.roster_correct(
        actor=roster_org["secretary"].user,
        period=gap_period,
        day=DAY,
        shift_type=roster_org["duty"],
        post="standby_driver",
        people=[roster_org["driver"]],
        reason="补齐司机",
    )
    gap_period.refresh_from_db()
    assert gaps.gaps_of(gap_period, DAY, DAY) == []
    with time_machine.travel(local(2026, 12, 3, 7), tick=False):
        gaps.escalate(local(2026, 12, 3, 7))
    assert not [m for m in OutboxMessage.objects.filter(subject__contains="12月3日")]
