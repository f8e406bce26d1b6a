"""A job handler for the tests that run real worker processes (test_worker_survives_kill.py); not a test module.

`python -m zhiban.core.tests.killable_jobs setup N` creates the `test_fired` table and schedules N jobs of kind
`test.fire`, all due already; `… report` prints what happened as JSON; `… worker [options of zhiban worker]` runs
the real `zhiban worker` command with the handler registered (nothing of it lives in a production app).

The handler writes one `test_fired` row in the job's own transaction, so the row commits with the job's "done" mark
or not at all, and the table's UNIQUE constraint refuses a second row for a job. Environment of a worker process:

- `TEST_BLOCK_ON=n`: job n writes its row, prints `inside n` on stdout and then blocks (until stdin closes): the
  test kills the process there, in the middle of firing, while it holds that claim and the batch's others.
- `TEST_CLOCK_SHIFT=seconds`: the worker's clock runs that far ahead (time-machine), as if it started that much
  later; a restart past the stale threshold needs no waiting.
- `TEST_WAIT_FOR_GO=1`: the worker prints `ready` once Django is loaded, then waits for a line on stdin before
  it starts, so that two workers start together.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

FIRED_TABLE = "test_fired"


def fire(payload: dict[str, Any]) -> None:
    from django.db import connection

    from zhiban.core import clock

    n = int(payload["n"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FIRED_TABLE} (n, pid, fired_at) VALUES (%s, %s, %s)",
            [n, os.getpid(), clock.now().isoformat()],
        )
    if os.environ.get("TEST_BLOCK_ON") == str(n):
        print(f"inside {n}", flush=True)
        sys.stdin.read()  # held here, the row written but not committed, until SIGKILL (or the test gives up)
        raise RuntimeError("released without being killed")


def register() -> None:
    from zhiban.core import jobs

    jobs.job_handler("test.fire")(fire)


def setup(count: int) -> None:
    from django.db import connection, transaction

    from zhiban.core import clock, jobs

    register()
    due = clock.now() - dt.timedelta(minutes=5)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {FIRED_TABLE} (n INTEGER NOT NULL UNIQUE, pid INTEGER NOT NULL, fired_at TEXT)"
            )
        for n in range(count):  # due one millisecond apart: claimed in this order
            jobs.schedule("test.fire", {"n": n}, due + dt.timedelta(milliseconds=n), dedupe_key=f"test-fire:{n}")


def report() -> dict[str, Any]:
    from django.db import connection

    from zhiban.core.models import Job

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n, pid FROM {FIRED_TABLE} ORDER BY n")
        fired = [[n, pid] for n, pid in cursor.fetchall()]
    jobs = [
        {"n": row["payload"]["n"], **{k: v for k, v in row.items() if k != "payload"}}
        for row in Job.objects.filter(kind="test.fire")
        .order_by("due_at", "id")
        .values("payload", "status", "attempts", "claimed_by", "last_error")
    ]
    return {"fired": fired, "jobs": jobs}


def worker(argv: list[str]) -> None:
    from django.core.management import call_command

    shift = float(os.environ.get("TEST_CLOCK_SHIFT", "0"))
    if shift:
        import time_machine

        time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=shift), tick=True).start()
    register()
    if os.environ.get("TEST_WAIT_FOR_GO"):
        print("ready", flush=True)
        sys.stdin.readline()
    call_command("worker", *argv)


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command, *rest = argv
    if command == "setup":
        setup(int(rest[0]))
    elif command == "report":
        print(json.dumps(report()))
    elif command == "worker":
        worker(rest)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
