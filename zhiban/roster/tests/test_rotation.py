"""ROS-02 on real rosters: turns, the order continuing across periods, generation following it, the
warnings a publication carries onto the compliance record, and bureau-shifts' working-day section."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import RuleEvent
from zhiban.policy.services import policy_adopt
from zhiban.roster import rotation, selectors, services
from zhiban.roster.generation import jobs
from zhiban.roster.generation import services as generation
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.tests.conftest import fill_day

pytestmark = pytest.mark.django_db

TWO_WEEKS = (dt.date(2026, 12, 7), dt.date(2026, 12, 20))


def _open(tree: dict[str, Any], start: dt.date, end: dt.date) -> Any:
    return services.period_open(actor=tree["secretary"].user, unit=tree["org"], start=start, end=end)


def test_ros_02_turns_are_weekday_blocks_and_single_rest_days(roster_org: dict[str, Any]) -> None:
    period = _open(roster_org, *TWO_WEEKS)
    turns = rotation.turns(period)
    assert [len(t.days) for t in turns] == [5, 1, 1, 5, 1, 1]
    assert turns[1].label.startswith("12月12日")


def _generate(tree: dict[str, Any], period: Any) -> None:
    started = generation.generation_start(actor=tree["secretary"].user, period=period, time_limit_s=10)
    run = jobs.execute(started.pk)
    assert run is not None
    assert run.status == GenerationRun.Status.DONE, run.error or run.refused


def test_ros_02_generation_follows_the_order_and_the_next_period_continues_it(roster_org: dict[str, Any]) -> None:
    period = _open(roster_org, *TWO_WEEKS)
    _generate(roster_org, period)
    draft = selectors.draft_of(period)
    outcome = rotation.check(period, draft)
    assert "ROS-02" in outcome.evaluated
    assert outcome.warnings == ()
    services.period_publish(actor=roster_org["secretary"].user, period=period)
    assert not RuleEvent.objects.exists()
    period.refresh_from_db()
    last = rotation.turn_sequence(period, period.published_version).slots[-1].holder
    following = _open(roster_org, dt.date(2026, 12, 21), dt.date(2026, 12, 27))
    assert rotation.previous_holder(following) == last
    order = [p.name for p in rotation.order(following)]
    first_turn = rotation.ideal(following)[0][1].name
    assert order[(order.index(last) + 1) % len(order)] == first_turn


def test_ros_02_publishing_out_of_turn_warns_onto_the_compliance_record(roster_org: dict[str, Any]) -> None:
    period = _open(roster_org, dt.date(2026, 12, 12), dt.date(2026, 12, 13))  # a weekend
    fill_day(roster_org, period, dt.date(2026, 12, 12))
    fill_day(roster_org, period, dt.date(2026, 12, 13))  # staff_a both rest days: out of turn, twice in a row
    outcome = rotation.check(period, selectors.draft_of(period))
    codes = {f.code for f in outcome.warnings}
    assert codes == {"ROS-02.rotation_blocks", "ROS-02.in_turn"}
    services.period_publish(actor=roster_org["secretary"].user, period=period, note="甲自愿连值")
    events = RuleEvent.objects.filter(rule_id="ROS-02", outcome="overridden")
    assert {e.code for e in events} == codes
    assert {e.reason for e in events} == {"甲自愿连值"}


def test_ros_02_publishing_without_a_note_is_recorded_as_unexplained(roster_org: dict[str, Any]) -> None:
    period = _open(roster_org, dt.date(2026, 12, 12), dt.date(2026, 12, 13))
    fill_day(roster_org, period, dt.date(2026, 12, 12))
    fill_day(roster_org, period, dt.date(2026, 12, 13))
    services.period_publish(actor=roster_org["secretary"].user, period=period)
    assert set(RuleEvent.objects.values_list("reason", flat=True)) == {services.UNEXPLAINED}


def test_ros_02_bureau_shifts_working_days_only_by_the_section(org_tree: dict[str, Any]) -> None:
    org = UnitFactory.create(name="机关", kind="organisation")
    policy_adopt(actor=None, organisation=org, pack_id="bureau-shifts")
    section = UnitFactory.create(name="综合科", parent=org)
    other = UnitFactory.create(name="业务科", parent=org)
    clerk = PersonFactory.create(name="clerk", unit=section, user=UserFactory.create(username="clerk"))
    RoleAssignmentFactory.create(person=clerk, role=Role.SECRETARIAT, unit=section)
    insider = PersonFactory.create(name="insider", unit=section)
    outsider = PersonFactory.create(name="outsider", unit=other)
    shifts = {s.code: s for s in services.roster_setup_from_pack(actor=None, organisation=org)}
    period = services.period_open(actor=None, unit=org, start=dt.date(2026, 12, 7), end=dt.date(2026, 12, 13))
    monday = dt.date(2026, 12, 7)
    services.assignment_set(
        actor=None, period=period, day=monday, shift_type=shifts["workday"], post="duty_officer", people=[insider]
    )
    with pytest.raises(RuleViolationError) as refused:
        services.assignment_set(
            actor=None, period=period, day=monday, shift_type=shifts["workday"], post="duty_officer", people=[outsider]
        )
    assert refused.value.codes == ["ROS-02.weekday_section_only"]
    draft = selectors.draft_of(period)
    assert draft is not None
    assert [a.person for a in draft.assignments.all()] == [insider]
    saturday = dt.date(2026, 12, 12)  # rest days: everyone rotates
    services.assignment_set(
        actor=None, period=period, day=saturday, shift_type=shifts["night"], post="duty_officer", people=[outsider]
    )


def test_ros_02_period_page_shows_the_rotation_warnings_to_the_scheduler(roster_org: dict[str, Any]) -> None:
    from django.urls import reverse

    from zhiban.accounts.tests.clients import client_for, verified_client

    period = _open(roster_org, dt.date(2026, 12, 12), dt.date(2026, 12, 13))
    fill_day(roster_org, period, dt.date(2026, 12, 12))
    fill_day(roster_org, period, dt.date(2026, 12, 13))
    url = reverse("roster:period_detail", args=[period.public_id])
    page = verified_client(roster_org["secretary"].user).get(url).content.decode()
    assert 'id="rotation-warnings"' in page
    assert "ROS-02.in_turn" in page
    services.period_publish(actor=roster_org["secretary"].user, period=period, note="x")
    staff_view = client_for(roster_org["staff_a"]).get(url).content.decode()
    assert 'id="rotation-warnings"' not in staff_view
