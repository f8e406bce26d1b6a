"""`maintenance` (P2 第二条): a weekend duty runs from Friday's end of work to Monday's start and a holiday
duty from the end of work before it to the start after it — each one continuous duty held by one person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiban.org.tests.factories import PersonFactory
from zhiban.policy.services import policy_adopt, policy_parameter_override
from zhiban.roster import rotation, selectors, services
from zhiban.roster.generation import jobs
from zhiban.roster.generation import services as generation
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.generation.problem import build_problem

pytestmark = pytest.mark.django_db

TWO_WEEKS = (dt.date(2026, 12, 7), dt.date(2026, 12, 20))  # Monday 7 to Sunday 20 December


@pytest.fixture
def station(org_tree: dict[str, Any]) -> dict[str, Any]:
    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="maintenance")
    services.roster_setup_from_pack(actor=None, organisation=org_tree["org"])
    for i in range(4):
        PersonFactory.create(name=f"维护员{i}", unit=org_tree["station_a"])
    period = services.period_open(actor=None, unit=org_tree["station_a"], start=TWO_WEEKS[0], end=TWO_WEEKS[1])
    return {**org_tree, "period": period}


def test_ros_01_rest_period_is_one_turn_friday_evening_to_the_rest_days(station: dict[str, Any]) -> None:
    turns = rotation.turns(station["period"])
    weekend = [t for t in turns if len(t.cells) > 1]
    assert [[(d.day, s.code) for d, s in t.cells] for t in weekend] == [
        [(11, "after_hours"), (12, "rest_day"), (13, "rest_day")],
        [(18, "after_hours"), (19, "rest_day"), (20, "rest_day")],
    ]
    assert len(turns) == 8 + 2  # eight weekday evenings (Mon–Thu) and two weekends
    built = build_problem(station["period"])
    assert [(b.days, b.shifts) for b in built.problem.blocks] == [
        ((4, 5, 6), ("after_hours", "rest_day", "rest_day")),
        ((11, 12, 13), ("after_hours", "rest_day", "rest_day")),
    ]


@pytest.mark.parametrize("order", ["preference", "strict"])
def test_ros_01_generated_weekend_is_held_by_one_person_and_in_turn(station: dict[str, Any], order: str) -> None:
    period = station["period"]
    if order != "preference":  # the pack's default
        policy = station["org"].policy
        policy_parameter_override(actor=None, policy=policy, rule_id="ROS-02", parameter="order", value=order)
    started = generation.generation_start(actor=None, period=period, time_limit_s=10)
    run = jobs.execute(started.pk)
    assert run is not None
    assert run.status == GenerationRun.Status.DONE, run.error or run.refused
    draft = selectors.draft_of(period)
    assert draft is not None
    held = {(a.date.day, a.shift_type.code): a.person.name for a in draft.assignments.filter(post="duty_officer")}
    assert held[(11, "after_hours")] == held[(12, "rest_day")] == held[(13, "rest_day")]
    assert held[(18, "after_hours")] == held[(19, "rest_day")] == held[(20, "rest_day")]
    if order == "strict":  # a preference may be traded for fairness; a strict order is followed
        assert rotation.check(period, draft).warnings == ()


def test_ros_01_rest_period_one_duty_can_be_switched_off(station: dict[str, Any]) -> None:
    policy = station["org"].policy
    policy_parameter_override(
        actor=None, policy=policy, rule_id="ROS-01", parameter="rest_period_one_duty", value=False
    )
    assert all(len(t.cells) == 1 for t in rotation.turns(station["period"]))
    assert build_problem(station["period"]).problem.blocks == ()
