"""Changing published duties through requests: moves as new versions, the race loser's clear error,
the same rule checks as an edit, published duties with their times, ranked cover candidates, and
unavailability providers feeding generation."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.org.models import Person, Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import RuleEvent
from zhiban.roster import duties, duty_changes, services, unavailability
from zhiban.roster.generation.problem import build_problem
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion
from zhiban.roster.tests.conftest import fill_day

DAY = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture
def published(roster_org: dict[str, Any], period: RosterPeriod) -> RosterPeriod:
    for offset in range(3):
        fill_day(roster_org, period, DAY + dt.timedelta(days=offset))
    services.period_publish(actor=roster_org["secretary"].user, period=period)
    period.refresh_from_db()
    return period


def _officer(tree: dict[str, Any], name: str) -> Person:
    return PersonFactory.create(name=name, unit=tree["station_a"], user=UserFactory.create(username=name))


def _move(period: RosterPeriod, tree: dict[str, Any], to: Person, day: dt.date = DAY) -> duty_changes.DutyMove:
    return duty_changes.DutyMove(period, day, tree["duty"], "duty_officer", tree["staff_a"], to)


def test_duties_move_publishes_a_new_version_with_the_substitute(roster_org: dict[str, Any], published: Any) -> None:
    stand_in = _officer(roster_org, "stand_in")
    before = published.published_version.number
    events = AuditEvent.objects.count()
    (version,) = duty_changes.duties_move(
        actor=None, moves=[_move(published, roster_org, stand_in)], channel="leave", reason="事假"
    )
    assert version.number == before + 1
    cell = Assignment.objects.filter(version=version, date=DAY, post="duty_officer")
    assert [a.person for a in cell] == [stand_in]
    # other days copied unchanged
    assert Assignment.objects.filter(
        version=version, date=DAY + dt.timedelta(days=1), person=roster_org["staff_a"]
    ).exists()
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").action == "roster.period.leave"


def test_the_loser_of_a_race_is_told_and_nothing_is_written(roster_org: dict[str, Any], published: Any) -> None:
    first, second = _officer(roster_org, "first"), _officer(roster_org, "second")
    duty_changes.duties_move(actor=None, moves=[_move(published, roster_org, first)], channel="leave", reason="")
    published.refresh_from_db()
    versions = RosterVersion.objects.count()
    with pytest.raises(ValidationError) as refused:
        duty_changes.duties_move(actor=None, moves=[_move(published, roster_org, second)], channel="swap", reason="")
    assert "已不在" in str(refused.value.message_dict["duty"])
    assert RosterVersion.objects.count() == versions


def test_org_03_outsider_refused_as_substitute_and_nothing_changes(roster_org: dict[str, Any], published: Any) -> None:
    versions = RosterVersion.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        duty_changes.duties_move(
            actor=None, moves=[_move(published, roster_org, roster_org["guard"])], channel="substitution", reason=""
        )
    assert "ORG-03.outsider_never_on_duty" in refused.value.codes
    assert RosterVersion.objects.count() == versions


def test_ros_01_non_driver_refused_as_driver_cover(roster_org: dict[str, Any], published: Any) -> None:
    move = duty_changes.DutyMove(
        published, DAY, roster_org["duty"], "standby_driver", roster_org["driver"], roster_org["staff_b"]
    )
    with pytest.raises(RuleViolationError) as refused:
        duty_changes.duties_move(actor=None, moves=[move], channel="leave", reason="")
    assert "ROS-01.qualification" in refused.value.codes


def test_an_unpublished_roster_cannot_be_changed_by_request(roster_org: dict[str, Any], period: Any) -> None:
    fill_day(roster_org, period, DAY)
    with pytest.raises(ValidationError, match="尚未公布"):
        duty_changes.duties_move(
            actor=None, moves=[_move(period, roster_org, _officer(roster_org, "x"))], channel="leave", reason=""
        )


def test_refusals_noted_in_a_request_are_recorded_for_the_compliance_report(
    roster_org: dict[str, Any], published: Any
) -> None:
    from zhiban.policy import compliance

    with compliance.collecting(actor_id=roster_org["secretary"].user.pk), pytest.raises(RuleViolationError):
        duty_changes.duties_move(
            actor=None, moves=[_move(published, roster_org, roster_org["guard"])], channel="leave", reason=""
        )
    event = RuleEvent.objects.get(outcome="blocked")
    assert (event.rule_id, event.outcome, event.organisation) == ("ORG-03", "blocked", roster_org["org"])
    assert event.actor == roster_org["secretary"].user


def test_duties_of_gives_the_window_and_the_kind_of_day(roster_org: dict[str, Any], published: Any) -> None:
    found = duties.duties_of(roster_org["staff_a"], DAY, DAY + dt.timedelta(days=6))
    assert [d.day for d in found] == [DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)]
    first = found[0]
    assert first.day_kind == "workday"
    assert first.starts_at.date() == DAY
    assert first.ends_at > first.starts_at
    assert duties.duty_of(published, DAY, roster_org["duty"], "duty_officer", roster_org["staff_a"]) == first
    assert duties.duty_of(published, DAY, roster_org["duty"], "duty_leader", roster_org["staff_a"]) is None


def test_cover_candidates_rank_the_rested_and_available_of_the_department_first(
    roster_org: dict[str, Any], published: Any
) -> None:
    near = _officer(roster_org, "near")  # same station, no duties
    away = _officer(roster_org, "away")  # on leave that day (a registered provider says so)
    PersonFactory.create(name="other", unit=roster_org["dept_b"], user=UserFactory.create(username="other"))

    def leave_provider(ids: Any, start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
        return {away.pk: {DAY}}

    unavailability.register(leave_provider)
    try:
        ranked = duties.cover_candidates(
            period=published,
            day=DAY + dt.timedelta(days=1),
            shift_type=roster_org["duty"],
            post="duty_officer",
            replacing=roster_org["staff_a"],
        )
        names = [c.person.name for c in ranked]
        assert "staff_a" not in names  # on duty that day and the day around it
        assert "guard" not in names  # ORG-03
        assert "near" in names
        assert "away" in names
        ranked_on_day = duties.cover_candidates(
            period=published, day=DAY, shift_type=roster_org["duty"], post="duty_officer", exclude=[near]
        )
        assert "away" not in [c.person.name for c in ranked_on_day]
        assert "near" not in [c.person.name for c in ranked_on_day]
        department = [c.same_department for c in ranked]
        assert department == sorted(department, reverse=True)  # same department first
        by_name = {c.person.name: c for c in ranked}
        assert by_name["near"].same_department
        assert not by_name["other"].same_department
        assert names.index("near") < names.index("other")
    finally:
        unavailability._PROVIDERS.remove(leave_provider)


def test_cover_candidates_for_leader_are_leaders_only(roster_org: dict[str, Any], published: Any) -> None:
    second_leader = _officer(roster_org, "leader2")
    RoleAssignmentFactory.create(person=second_leader, role=Role.DUTY_LEADER, unit=roster_org["org"])
    ranked = duties.cover_candidates(period=published, day=DAY, shift_type=roster_org["duty"], post="duty_leader")
    assert [c.person for c in ranked] == [second_leader]


def test_ros_04_generation_treats_provider_days_as_unavailable(roster_org: dict[str, Any], period: Any) -> None:
    def provider(ids: Any, start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
        return {roster_org["staff_a"].pk: {DAY, DAY + dt.timedelta(days=40)}}

    unavailability.register(provider)
    try:
        built = build_problem(period)
    finally:
        unavailability._PROVIDERS.remove(provider)
    off = [(u.person, u.day) for u in built.problem.unavailable]
    assert off == [(roster_org["staff_a"].public_id, (DAY - period.start).days)]  # the day outside is dropped


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_transactions_taking_one_duty_exactly_one_wins(roster_org: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    period = services.period_open(
        actor=roster_org["secretary"].user,
        unit=roster_org["org"],
        start=dt.date(2026, 12, 1),
        end=dt.date(2026, 12, 31),
    )
    fill_day(roster_org, period, DAY)
    services.period_publish(actor=roster_org["secretary"].user, period=period)
    period.refresh_from_db()
    takers = [_officer(roster_org, f"taker{i}") for i in range(50)]
    barrier = threading.Barrier(len(takers))
    results: list[str] = []
    lock = threading.Lock()

    def take(person: Person) -> None:
        from django.db import connections

        try:
            barrier.wait()
            duty_changes.duties_move(actor=None, moves=[_move(period, roster_org, person)], channel="swap", reason="")
            outcome = "won"
        except ValidationError as error:
            outcome = "lost: " + " ".join(error.message_dict.get("duty", []))
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=take, args=(p,)) for p in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 50
    assert results.count("won") == 1
    assert all("已不在" in r for r in results if r != "won")
    period.refresh_from_db()
    assert period.published_version is not None
    assert period.published_version.number == 2
    cell = Assignment.objects.filter(version=period.published_version, date=DAY, post="duty_officer")
    assert len(cell) == 1
    assert cell[0].person in takers


@pytest.mark.parametrize("query", ["a=1&b=99", "a=1&b=9223372036854775808", "a=x&b=1", "a=0&b=1", "a="])
def test_a_diff_with_a_version_that_does_not_exist_is_404(
    roster_org: dict[str, Any], published: RosterPeriod, query: str
) -> None:
    client = verified_client(roster_org["secretary"].user)
    url = reverse("roster:version_diff", args=[published.public_id])
    assert client.get(f"{url}?a=1&b=1").status_code == 200
    assert client.get(f"{url}?{query}").status_code == 404
