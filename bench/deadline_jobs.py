"""The job handler the deadline benchmark's zhiban workers run (imported by `bench.deadlines worker`, never by the
application): each deadline writes one `bench_fired` row in the job's own transaction, with the instant it fired.

`BENCH_BLOCK_ON=n` (the kill scenario): job n writes its row, says `inside n` on stdout and blocks until killed.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.db import connection

from zhiban.core import clock, jobs

KIND = "bench.deadline"
FIRED_TABLE = "bench_fired"


@jobs.job_handler(KIND)
def deadline(payload: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FIRED_TABLE} (n, fired_at, pid) VALUES (%s, %s, %s)",
            [payload["n"], clock.now().timestamp(), os.getpid()],
        )
    if os.environ.get("BENCH_BLOCK_ON") == str(payload["n"]):
        print(f"inside {payload['n']}", flush=True)
        sys.stdin.read()
        raise RuntimeError("released without being killed")
