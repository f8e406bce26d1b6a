"""Generation end to end on the database: problem building, the job, stop, infeasible input (ROS-04, ORG-03)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.core.models import AuditEvent, Job
from zhiban.org.models import RoleAssignment
from zhiban.roster import selectors, services
from zhiban.roster.generation import jobs
from zhiban.roster.generation import services as generation
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.generation.problem import build_problem
from zhiban.roster.generation.tests.conftest import WEEK
from zhiban.roster.models import Assignment, RosterPeriod

pytestmark = pytest.mark.django_db


def _run(tree: dict[str, Any], period: RosterPeriod, **kwargs: Any) -> GenerationRun:
    run = generation.generation_start(actor=tree["secretary"].user, period=period, time_limit_s=10, **kwargs)
    result = jobs.execute(run.pk)
    assert result is not None
    return result


def test_problem_has_calendar_kinds_qualifications_and_no_guard(roster_org: dict[str, Any], week: Any) -> None:
    built = build_problem(week)
    p = built.problem
    assert [d.kind for d in p.days] == ["weekday"] * 4 + ["weekend"] * 2 + ["weekday"]  # Tue 1 … Mon 7 Dec
    people = {x.name: x for x in p.people}
    assert "guard" not in people
    assert "outsider" not in people
    assert any(line == "guard: ORG-03" for line in built.excluded)
    assert people["leader"].qualifications == {"duty_leader", "unit_member"}
    assert people["driver"].qualifications == {"standby_driver", "unit_member"}
    assert people["staff_a"].qualifications == {"unit_member"}
    posts = {x.id: x.qualification for x in p.posts}
    assert posts["duty_leader"] == "duty_leader"
    assert posts["duty_officer"] == "unit_member"
    assert {c.post for c in p.cover} == {"duty_leader", "duty_officer", "standby_driver"}
    assert all(c.minimum == c.maximum and c.under_weight is None for c in p.cover)


def test_problem_keeps_pinned_cells(roster_org: dict[str, Any], week: Any) -> None:
    services.assignment_set(
        actor=roster_org["secretary"].user,
        period=week,
        day=dt.date(2026, 12, 2),
        shift_type=roster_org["duty"],
        post="duty_officer",
        people=[roster_org["staff_b"]],
        pinned=True,
    )
    built = build_problem(week)
    assert [(a.person, a.day, a.post) for a in built.problem.pins] == [
        (roster_org["staff_b"].public_id, 1, "duty_officer")
    ]
    run = _run(roster_org, week)
    assert run.status == GenerationRun.Status.DONE, run.error or run.refused
    cell = Assignment.objects.get(version__period=week, date=dt.date(2026, 12, 2), post="duty_officer")
    assert cell.person == roster_org["staff_b"]
    assert cell.pinned


def test_ros_04_generation_writes_a_checked_draft_and_never_a_guard(roster_org: dict[str, Any], week: Any) -> None:
    run = _run(roster_org, week)
    assert run.status == GenerationRun.Status.DONE, run.error or run.refused
    assert run.refused == []
    draft = selectors.draft_of(week)
    assert draft is not None
    rows = list(draft.assignments.select_related("person", "shift_type"))
    cells = Counter((a.date, a.post) for a in rows)
    assert len(cells) == 3 * 7
    assert set(cells.values()) == {1}
    assert roster_org["guard"].pk not in {a.person_id for a in rows}  # ORG-03
    for a in rows:  # every cell passes the single-edit check again
        services.assignment_set(
            actor=None, period=week, day=a.date, shift_type=a.shift_type, post=a.post, people=[a.person]
        )
    leaders = {a.person for a in rows if a.post == "duty_leader"}
    assert leaders == {roster_org["leader"]}
    assert run.written == 21
    assert run.solutions >= 1
    assert run.explanation["points"]
    assert run.explanation["infeasible"] == []
    week.refresh_from_db()
    assert week.status == RosterPeriod.Status.DRAFT
    assert AuditEvent.objects.filter(action="roster.draft.fill", object_id=week.public_id).count() == 1


def test_ros_04_start_schedules_the_job_and_the_handler_launches_after_commit(
    roster_org: dict[str, Any], week: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = generation.generation_start(actor=roster_org["secretary"].user, period=week, time_limit_s=5)
    job = Job.objects.get(kind="roster.generate")
    assert job.payload == {"run": run.pk}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs.generate(job.payload)
    assert len(callbacks) == 1  # the solve starts only once the job's transaction is committed
    with pytest.raises(ValidationError, match="already under way"):
        generation.generation_start(actor=roster_org["secretary"].user, period=week)


def test_ros_04_stop_keeps_the_best_found(roster_org: dict[str, Any], week: Any) -> None:
    run = generation.generation_start(actor=roster_org["secretary"].user, period=week, time_limit_s=30)
    generation.generation_stop(actor=roster_org["secretary"].user, run=run)
    done = jobs.execute(run.pk)
    assert done is not None
    assert done.status == GenerationRun.Status.STOPPED
    assert done.solutions >= 1
    assert done.written == 21
    assert Assignment.objects.filter(version__period=week).count() == 21


def test_ros_04_infeasible_input_is_explained_and_nothing_written(roster_org: dict[str, Any], week: Any) -> None:
    RoleAssignment.objects.filter(person=roster_org["leader"]).delete()  # nobody may be leader on duty
    run = _run(roster_org, week)
    assert run.status == GenerationRun.Status.INFEASIBLE
    reasons = run.explanation["infeasible"]
    assert reasons
    assert "2026-12-01 duty" in reasons[0]
    assert "0 qualified people available, 1 needed" in reasons[0]
    assert not Assignment.objects.filter(version__period=week).exists()
    assert AuditEvent.objects.filter(action="roster.generation.finish").count() == 1


def test_ros_04_stale_run_is_left_alone(roster_org: dict[str, Any], week: Any) -> None:
    run = _run(roster_org, week)
    assert jobs.execute(run.pk) is None  # already done: running it again does nothing


@pytest.mark.parametrize("who", ["staff_a", "head_b", "head_a"])
def test_ros_04_only_the_compiler_starts_or_stops(roster_org: dict[str, Any], week: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        generation.generation_start(actor=roster_org[who].user, period=week)
    run = generation.generation_start(actor=roster_org["secretary"].user, period=week)
    with pytest.raises(PermissionDenied):
        generation.generation_stop(actor=roster_org[who].user, run=run)
    run.refresh_from_db()
    assert not run.stop_requested
    assert GenerationRun.objects.count() == 1


def test_ros_04_year_to_date_points_come_from_published_rosters(roster_org: dict[str, Any], week: Any) -> None:
    _run(roster_org, week)
    services.period_publish(actor=roster_org["secretary"].user, period=week)
    following = services.period_open(
        actor=roster_org["secretary"].user, unit=roster_org["org"], start=dt.date(2026, 12, 8), end=dt.date(2026, 12, 9)
    )
    built = build_problem(following)
    prior = {p.name: p.prior_points for p in built.problem.people}
    assert prior["leader"] == 5 * 1 + 2 * 1.5  # Tue–Fri and Mon weekdays, Sat and Sun weekend days
    assert prior["driver"] == 8.0
    assert sum(prior.values()) == 3 * 8.0  # three posts a day, each worth the day's points
    assert built.problem.fairness is not None
    assert built.problem.fairness.points["weekend", "duty"] == 1.5


@pytest.mark.django_db(transaction=True)
def test_ros_04_the_worker_runs_the_solve_after_its_job_commits(roster_org: dict[str, Any], week: Any) -> None:
    from zhiban.core import jobs as core_jobs

    run = generation.generation_start(actor=roster_org["secretary"].user, period=week, time_limit_s=5)
    job = Job.objects.get(kind="roster.generate")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, claimed_by="test", attempts=1)
    assert core_jobs.run_job(job.pk, worker="test") == "done"
    thread = jobs._threads.get(run.pk)
    if thread is not None:
        thread.join(30)
    run.refresh_from_db()
    assert run.status == GenerationRun.Status.DONE, run.error
    assert run.written == 21


def test_ros_04_an_abandoned_run_does_not_block_a_new_one(roster_org: dict[str, Any], week: Any) -> None:
    first = generation.generation_start(actor=roster_org["secretary"].user, period=week, time_limit_s=20)
    GenerationRun.objects.filter(pk=first.pk).update(status=GenerationRun.Status.RUNNING)
    roster_org["travel"].shift(dt.timedelta(seconds=20 + 119))
    with pytest.raises(ValidationError, match="already under way"):  # still within its time limit + 2 minutes
        generation.generation_start(actor=roster_org["secretary"].user, period=week)
    roster_org["travel"].shift(dt.timedelta(seconds=2))
    second = generation.generation_start(actor=roster_org["secretary"].user, period=week)
    first.refresh_from_db()
    assert first.status == GenerationRun.Status.FAILED
    assert "abandoned" in first.error
    assert second.status == GenerationRun.Status.QUEUED


def test_org_03_department_roster_takes_its_own_people_and_the_organisation_leaders(
    roster_org: dict[str, Any],
) -> None:
    period = services.period_open(
        actor=roster_org["secretary"].user, unit=roster_org["dept_a"], start=WEEK[0], end=dt.date(2026, 12, 2)
    )
    built = build_problem(period)
    people = {x.name: x.qualifications for x in built.problem.people}
    assert people == {
        "head_a": {"unit_member"},
        "staff_a": {"unit_member"},
        "leader": {"duty_leader"},  # the organisation's leader on duty, for that post only
        "driver": {"standby_driver"},
    }
    run = _run(roster_org, period)
    assert run.status == GenerationRun.Status.DONE, run.error or run.refused
    officers = set(
        Assignment.objects.filter(version__period=period, post="duty_officer").values_list("person__name", flat=True)
    )
    assert officers <= {"head_a", "staff_a"}
    assert officers


def test_org_03_a_refused_cell_is_reported_and_the_rest_written(roster_org: dict[str, Any], week: Any) -> None:
    run = generation.generation_start(actor=roster_org["secretary"].user, period=week)
    duty = roster_org["duty"]
    cells = [
        (WEEK[0], duty, "duty_officer", [roster_org["staff_a"]]),
        (WEEK[0], duty, "duty_leader", [roster_org["guard"]]),  # a guard: the rule engine refuses (ORG-03)
        (WEEK[0], duty, "standby_driver", [roster_org["driver"]]),
    ]
    done = generation.generation_finish(run=run, status=GenerationRun.Status.DONE, cells=cells, fields={})
    assert done.written == 2
    assert len(done.refused) == 1
    assert "guard" in done.refused[0]
    assert "ORG-03" in done.refused[0]
    rows = set(Assignment.objects.filter(version__period=week).values_list("post", "person__name"))
    assert rows == {("duty_officer", "staff_a"), ("standby_driver", "driver")}


def test_ros_04_time_limit_at_its_bounds_and_just_past_them(roster_org: dict[str, Any], week: Any) -> None:
    secretary = roster_org["secretary"].user
    for past in (generation.MIN_TIME_LIMIT - 1, generation.MAX_TIME_LIMIT + 1):
        with pytest.raises(ValidationError) as caught:
            generation.generation_start(actor=secretary, period=week, time_limit_s=past)
        assert "time_limit_s" in caught.value.message_dict
    assert not GenerationRun.objects.exists()
    run = generation.generation_start(actor=secretary, period=week, time_limit_s=generation.MAX_TIME_LIMIT)
    assert run.time_limit_s == generation.MAX_TIME_LIMIT
    GenerationRun.objects.filter(pk=run.pk).update(status=GenerationRun.Status.DONE)
    low = generation.generation_start(actor=secretary, period=week, time_limit_s=generation.MIN_TIME_LIMIT)
    assert low.time_limit_s == generation.MIN_TIME_LIMIT


def test_ros_04_duty_points_are_the_pack_parameters(roster_org: dict[str, Any], week: Any) -> None:
    from zhiban.policy.models import Policy
    from zhiban.policy.services import policy_parameter_override

    _run(roster_org, week)
    services.period_publish(actor=roster_org["secretary"].user, period=week)
    policy = Policy.objects.get(unit=roster_org["org"])
    policy_parameter_override(actor=None, policy=policy, rule_id="ROS-04", parameter="points_weekend", value=2.5)
    following = services.period_open(
        actor=roster_org["secretary"].user, unit=roster_org["org"], start=dt.date(2026, 12, 8), end=dt.date(2026, 12, 9)
    )
    built = build_problem(following)
    prior = {p.name: p.prior_points for p in built.problem.people}
    assert prior["leader"] == 5 * 1 + 2 * 2.5  # the same week, weekend days now worth 2.5
    assert built.problem.fairness is not None
    assert built.problem.fairness.points["weekend", "duty"] == 2.5
