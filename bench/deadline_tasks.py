"""The task the deadline benchmark's django-tasks-db workers run (settings `bench.tasks_settings` only): the same
`bench_fired` row as `bench.deadline_jobs`, written in a transaction of its own, the most a task can do — the
backend marks the task done in a later one.

`BENCH_BLOCK_ON=n` (the kill scenario): task n writes its row, says `inside n` on stdout and blocks until killed.
"""

from __future__ import annotations

import os
import sys

from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone

FIRED_TABLE = "bench_fired"


@task()
def fire(n: int) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FIRED_TABLE} (n, fired_at, pid) VALUES (%s, %s, %s)",
                [n, timezone.now().timestamp(), os.getpid()],
            )
        if os.environ.get("BENCH_BLOCK_ON") == str(n):
            print(f"inside {n}", flush=True)
            sys.stdin.read()
            raise RuntimeError("released without being killed")
