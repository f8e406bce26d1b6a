"""ROS-02 in generation: the bureau's duty officer holds the working days of a calendar week as one block."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest

from zhiban.roster import selectors, services
from zhiban.roster.generation import jobs
from zhiban.roster.generation import services as generation
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.generation.problem import build_problem

pytestmark = pytest.mark.django_db

TWO_WEEKS = (dt.date(2026, 12, 7), dt.date(2026, 12, 20))  # Monday 7 to Sunday 20 December


def test_ros_02_generated_bureau_roster_has_one_officer_per_weekday_block(roster_org: dict[str, Any]) -> None:
    secretary = roster_org["secretary"].user
    period = services.period_open(actor=secretary, unit=roster_org["org"], start=TWO_WEEKS[0], end=TWO_WEEKS[1])
    built = build_problem(period)
    assert [(b.days, b.post) for b in built.problem.blocks] == [
        ((0, 1, 2, 3, 4), "duty_officer"),
        ((7, 8, 9, 10, 11), "duty_officer"),
    ]
    started = generation.generation_start(actor=secretary, period=period, time_limit_s=10)
    run = jobs.execute(started.pk)
    assert run is not None
    assert run.status == GenerationRun.Status.DONE, run.error or run.refused
    draft = selectors.draft_of(period)
    assert draft is not None
    officers: dict[int, set[int]] = defaultdict(set)
    for a in draft.assignments.filter(post="duty_officer"):
        if a.date.weekday() < 5:
            officers[a.date.isocalendar().week].add(a.person_id)
    assert len(officers) == 2
    assert all(len(people) == 1 for people in officers.values())
