"""The job queue: scheduled in the caller's transaction, claimed by one worker, retried with backoff,
failed after max_attempts, stale claims reclaimed, recurring jobs rescheduling themselves."""

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.db import transaction

from zhiban.core import audit, claims, jobs
from zhiban.core.models import Job
from zhiban.core.worker import Worker

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ran: list[dict[str, Any]] = []
failures_left: dict[str, int] = {}


@jobs.job_handler("test.record")
def record_run(payload: dict[str, Any]) -> None:
    ran.append(payload)


@jobs.job_handler("test.flaky")
def flaky(payload: dict[str, Any]) -> None:
    key = payload["key"]
    if failures_left.get(key, 0) > 0:
        failures_left[key] -= 1
        raise ConnectionError(f"{key} is not reachable")
    ran.append(payload)


@jobs.job_handler("test.writes_then_schedules")
def writes_then_schedules(payload: dict[str, Any]) -> None:
    jobs.schedule("test.record", {"from": payload["n"]}, T0)


@pytest.fixture(autouse=True)
def _clean_state(settings: Any) -> None:
    ran.clear()
    failures_left.clear()
    settings.WORKER_RETRY_BASE_SECONDS = 30
    settings.WORKER_RETRY_MAX_SECONDS = 3600
    settings.WORKER_STALE_SECONDS = 600


def schedule(kind: str, payload: dict[str, Any], due_at: dt.datetime = T0, **kwargs: Any) -> Job:
    with transaction.atomic():
        return jobs.schedule(kind, payload, due_at, **kwargs)


def change_that_fails_after_scheduling() -> None:
    with transaction.atomic():
        jobs.schedule("test.record", {"n": 1}, T0)
        raise RuntimeError("the caller's change failed")


def test_job_scheduled_in_a_rolled_back_transaction_never_exists() -> None:
    with pytest.raises(RuntimeError):
        change_that_fails_after_scheduling()
    assert not Job.objects.exists()


def test_unknown_kind_is_refused_when_scheduling() -> None:
    with pytest.raises(jobs.UnknownJobKind, match=r"test\.nope"):
        schedule("test.nope", {})
    assert not Job.objects.exists()


def test_dedupe_key_keeps_one_open_job_and_allows_a_new_one_after_it_is_done() -> None:
    first = schedule("test.record", {"n": 1}, dedupe_key="deadline:7")
    again = schedule("test.record", {"n": 2}, dedupe_key="deadline:7")
    assert again.pk == first.pk
    assert Job.objects.count() == 1
    with time_machine.travel(T0, tick=False):
        Worker(name="w").run_once()
    third = schedule("test.record", {"n": 3}, dedupe_key="deadline:7")
    assert third.pk != first.pk
    assert Job.objects.filter(dedupe_key="deadline:7", status=Job.Status.PENDING).count() == 1


def test_job_runs_when_due_and_not_before() -> None:
    job = schedule("test.record", {"n": 1}, due_at=T0)
    with time_machine.travel(T0 - dt.timedelta(seconds=1), tick=False):
        Worker(name="w").run_once()
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert ran == []
    with time_machine.travel(T0, tick=False):
        Worker(name="w").run_once()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 1
    assert job.finished_at == T0
    assert ran == [{"n": 1}]


def test_failed_job_retries_with_backoff_then_succeeds() -> None:
    failures_left["smtp"] = 2
    job = schedule("test.flaky", {"key": "smtp"})
    with time_machine.travel(T0, tick=False) as traveller:
        Worker(name="w").run_once()
        job.refresh_from_db()
        assert (job.status, job.attempts, job.due_at) == (Job.Status.PENDING, 1, T0 + dt.timedelta(seconds=30))
        assert "smtp is not reachable" in job.last_error
        traveller.move_to(T0 + dt.timedelta(seconds=29))
        Worker(name="w").run_once()
        job.refresh_from_db()
        assert job.attempts == 1  # not due yet
        traveller.move_to(T0 + dt.timedelta(seconds=30))
        Worker(name="w").run_once()
        job.refresh_from_db()
        # the second failure doubles the wait
        assert (job.status, job.attempts) == (Job.Status.PENDING, 2)
        assert job.due_at == T0 + dt.timedelta(seconds=30 + 60)
        traveller.move_to(job.due_at)
        Worker(name="w").run_once()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.last_error) == (Job.Status.DONE, 3, "")
    assert ran == [{"key": "smtp"}]


def test_job_fails_for_good_after_max_attempts_with_the_error_kept() -> None:
    failures_left["down"] = 99
    job = schedule("test.flaky", {"key": "down"}, max_attempts=3)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(2):
            Worker(name="w").run_once()
            job.refresh_from_db()
            assert job.status == Job.Status.PENDING
            traveller.move_to(job.due_at)
        Worker(name="w").run_once()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == 3
    assert "ConnectionError: down is not reachable" in job.last_error
    assert job.finished_at is not None


def test_backoff_is_capped() -> None:
    assert claims.retry_delay(1) == dt.timedelta(seconds=30)
    assert claims.retry_delay(7) == dt.timedelta(seconds=1920)
    assert claims.retry_delay(8) == dt.timedelta(seconds=3600)
    assert claims.retry_delay(30) == dt.timedelta(seconds=3600)


def test_two_workers_claim_disjoint_jobs_by_conditional_update() -> None:
    """As on SQLite: both see the same due rows; the conditional UPDATE lets only one take each."""
    ids = {schedule("test.record", {"n": n}).pk for n in range(6)}
    seen_by_a = claims.due_candidates(Job, due_field="due_at", now=T0, limit=10)
    seen_by_b = claims.due_candidates(Job, due_field="due_at", now=T0, limit=10)
    assert set(seen_by_a) == set(seen_by_b) == ids
    won_by_b = claims.try_claim(Job, seen_by_b[:4], worker="b", now=T0)
    won_by_a = claims.try_claim(Job, seen_by_a, worker="a", now=T0)
    assert set(won_by_a).isdisjoint(won_by_b)
    assert set(won_by_a) | set(won_by_b) == ids
    assert len(won_by_b) == 4
    assert set(Job.objects.filter(claimed_by="a").values_list("id", flat=True)) == set(won_by_a)
    assert not Job.objects.filter(status=Job.Status.PENDING).exists()


def test_claim_due_takes_each_job_once() -> None:
    ids = {schedule("test.record", {"n": n}).pk for n in range(5)}
    first = claims.claim_due(Job, due_field="due_at", worker="a", now=T0, limit=3)
    second = claims.claim_due(Job, due_field="due_at", worker="b", now=T0, limit=3)
    third = claims.claim_due(Job, due_field="due_at", worker="c", now=T0, limit=3)
    assert (len(first), len(second), third) == (3, 2, [])
    assert set(first) | set(second) == ids


def test_stale_claim_of_a_dead_worker_is_reclaimed_and_its_late_finish_is_rolled_back() -> None:
    job = schedule("test.writes_then_schedules", {"n": 1})
    dead = claims.claim_due(Job, due_field="due_at", worker="dead#1", now=T0, limit=5)
    assert dead == [job.pk]
    with time_machine.travel(T0 + dt.timedelta(seconds=599), tick=False):
        Worker(name="alive").run_once()
    job.refresh_from_db()
    assert (job.status, job.claimed_by) == (Job.Status.RUNNING, "dead#1")  # not stale yet
    with time_machine.travel(T0 + dt.timedelta(seconds=601), tick=False):
        alive = Worker(name="alive")
        alive.run_once()
        job.refresh_from_db()
        assert job.status == Job.Status.DONE
        assert job.claimed_by == alive.name
        assert job.attempts == 2
        # The "dead" worker wakes up and finishes: its claim is gone, so its changes roll back.
        assert jobs.run_job(job.pk, worker="dead#1") == "lost"
    assert Job.objects.filter(kind="test.record", payload__from=1).count() == 1


def test_stale_claim_out_of_attempts_fails() -> None:
    job = schedule("test.record", {"n": 1}, max_attempts=1)
    claims.claim_due(Job, due_field="due_at", worker="dead#1", now=T0, limit=5)
    with time_machine.travel(T0 + dt.timedelta(seconds=601), tick=False):
        Worker(name="alive").run_once()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "stopped before finishing" in job.last_error
    assert ran == []


def test_cancelled_job_does_not_run() -> None:
    job = schedule("test.record", {"n": 1}, dedupe_key="escalate:3")
    assert jobs.cancel("escalate:3") == 1
    with time_machine.travel(T0, tick=False):
        Worker(name="w").run_once()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert ran == []


def test_recurring_checkpoint_appends_to_the_log_and_schedules_its_next_run(settings: Any) -> None:
    settings.AUDIT_CHECKPOINT_MINUTES = 10
    with transaction.atomic():
        audit.record(actor=None, action="test.write", object_type="thing", object_id="t1")
    path = settings.AUDIT_CHECKPOINT_PATH
    assert not path.exists()
    with time_machine.travel(T0, tick=False) as traveller:
        Worker(name="w").run_once()
        assert json.loads(path.read_text().splitlines()[-1])["sequence"] == 1
        done = Job.objects.get(kind="core.audit_checkpoint", status=Job.Status.DONE)
        following = Job.objects.get(kind="core.audit_checkpoint", status=Job.Status.PENDING)
        assert following.due_at == T0 + dt.timedelta(minutes=10)
        assert done.finished_at == T0
        with transaction.atomic():
            audit.record(actor=None, action="test.write", object_type="thing", object_id="t2")
        traveller.move_to(T0 + dt.timedelta(minutes=9, seconds=59))
        Worker(name="w").run_once()
        assert json.loads(path.read_text().splitlines()[-1])["sequence"] == 1
        traveller.move_to(T0 + dt.timedelta(minutes=10))
        Worker(name="w").run_once()
        assert json.loads(path.read_text().splitlines()[-1])["sequence"] == 2
    assert Job.objects.filter(kind="core.audit_checkpoint", status=Job.Status.PENDING).count() == 1
    assert Job.objects.filter(kind="core.audit_checkpoint", status=Job.Status.DONE).count() == 2


def test_idle_worker_sleeps_until_the_next_job_is_due_but_never_longer_than_a_poll() -> None:
    worker = Worker(name="w", poll_seconds=2)
    with time_machine.travel(T0, tick=False):
        assert worker.idle_seconds() == 2  # nothing pending
        schedule("test.record", {"n": 1}, due_at=T0 + dt.timedelta(hours=1))
        assert worker.idle_seconds() == 2
        schedule("test.record", {"n": 2}, due_at=T0 + dt.timedelta(milliseconds=350))
        assert worker.idle_seconds() == 0.35
        schedule("test.record", {"n": 3}, due_at=T0 - dt.timedelta(seconds=5))  # due, held by another worker
        assert worker.idle_seconds() == pytest.approx(0.01)


def test_housekeeping_can_be_left_out_of_a_pass() -> None:
    job = schedule("test.record", {"n": 1})
    claims.claim_due(Job, due_field="due_at", worker="dead#1", now=T0, limit=5)
    with time_machine.travel(T0 + dt.timedelta(seconds=601), tick=False):
        Worker(name="alive").run_once(housekeeping=False)
        job.refresh_from_db()
        assert (job.status, job.claimed_by) == (Job.Status.RUNNING, "dead#1")
        assert not Job.objects.filter(kind="core.audit_checkpoint").exists()
        Worker(name="alive").run_once()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert ran == [{"n": 1}]
