"""Several workers at once on PostgreSQL, each thread with its own database connection:
SKIP LOCKED passes over rows another transaction holds, and every job runs exactly once."""

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections, transaction

from zhiban.core import claims, clock, jobs
from zhiban.core.models import Job
from zhiban.core.worker import Worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 3
runs: list[tuple[int, str]] = []
runs_lock = threading.Lock()
all_inside = threading.Barrier(WORKERS, timeout=20)


@jobs.job_handler("test.concurrent")
def concurrent_job(payload: dict[str, Any]) -> None:
    with runs_lock:
        runs.append((payload["n"], threading.current_thread().name))
        first_of_thread = sum(1 for _, name in runs if name == threading.current_thread().name) == 1
    if first_of_thread:
        # Every worker is inside a handler at the same moment: the claims really overlap in time.
        all_inside.wait()


def _in_thread(target: Any, name: str) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def test_skip_locked_claims_only_rows_nobody_holds() -> None:
    now = clock.now()
    with transaction.atomic():
        ids = [jobs.schedule("test.concurrent", {"n": n}, now - dt.timedelta(minutes=1)).pk for n in range(6)]
    held, release = threading.Event(), threading.Event()

    def hold_first_three() -> None:
        with transaction.atomic():
            list(Job.objects.select_for_update().filter(id__in=ids[:3]))
            held.set()
            release.wait(timeout=20)

    holder = _in_thread(hold_first_three, "holder")
    assert held.wait(timeout=20)
    try:
        claimed = claims.claim_due(Job, due_field="due_at", worker="main", now=now, limit=10)
    finally:
        release.set()
        holder.join()
    assert sorted(claimed) == ids[3:]
    assert set(Job.objects.filter(status=Job.Status.PENDING).values_list("id", flat=True)) == set(ids[:3])


def test_concurrent_workers_run_every_job_exactly_once() -> None:
    runs.clear()
    all_inside.reset()
    now = clock.now()
    with transaction.atomic():
        ids = {jobs.schedule("test.concurrent", {"n": n}, now - dt.timedelta(minutes=1)).pk for n in range(45)}
    workers = [Worker(name=f"w{i}", batch=5) for i in range(WORKERS)]
    threads = [_in_thread(worker.run_once, f"worker-{i}") for i, worker in enumerate(workers)]
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    counts = Counter(n for n, _ in runs)
    assert sorted(counts) == list(range(45))
    assert set(counts.values()) == {1}
    assert {name for _, name in runs} == {f"worker-{i}" for i in range(WORKERS)}
    done = Job.objects.filter(id__in=ids, status=Job.Status.DONE)
    assert done.count() == 45
    assert set(done.values_list("claimed_by", flat=True)) == {worker.name for worker in workers}
