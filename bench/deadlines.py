"""The deadline engine (issue 12): N pending deadlines due within a window, fired by one worker and then by two, on
SQLite and on PostgreSQL — zhiban's own queue (`zhiban/core/jobs.py`, `zhiban worker`) beside Django's Tasks API
with the ORM backend of the django-tasks-db package (its `db_worker`).

Each run starts from a fresh database. A driver process (`python -m bench.deadlines drive …`) migrates it, schedules
the deadlines far ahead, starts the workers, then moves every due time so that the first falls due LEAD seconds
later and the rest follow evenly over the window (the workers are idle and waiting by then). Each deadline writes a
`bench_fired` row with the instant it fired (the table has no unique constraint, so a second firing would show).
Measured: lateness = fired − due (p50 / p99 / max), deadlines fired twice, missed (not fired within GRACE seconds
after the last was due) and fired early. The target: p99 ≤ 2 s, none twice, none missed.

A kill scenario follows per engine and database: 20 items due at once, a worker SIGKILLed in the middle of item 3,
then a worker started with its clock set past zhiban's stale threshold (600 s): what fired, what never did.

Writes `bench/results/deadlines.json` and `.md` (or `--out PREFIX`) with the machine noted. Commands:
`make bench` (everything), `.venv/bin/python -m bench deadlines`, or, quicker and scaled down,
`scripts/with-postgres.sh .venv/bin/python -m bench.deadlines --count 1000 --window 60 --out /tmp/deadlines`.
Environment: DEADLINES_COUNT (default 10000) and DEADLINES_WINDOW (seconds, default 600).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.foundation import RESULTS, machine

REPO = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("DEADLINES_COUNT", "10000"))
WINDOW = float(os.environ.get("DEADLINES_WINDOW", "600"))
LEAD = 10.0  # seconds from moving the due times to the first deadline
GRACE = 120.0  # seconds after the last due time before what has not fired counts as missed
STARTUP = 4.0  # seconds the workers get to start before the due times are moved
TARGET_P99 = 2.0
TASKS_DB = "django-tasks-db==0.13.0"
ENGINES = ("zhiban-jobs", "django-tasks-db")
KILL_ITEMS, KILL_ON = 20, 3
STALE_SHIFT = 660.0  # seconds the restarted worker's clock runs ahead in the kill scenario (past the 600 s default)


# ---------------------------------------------------------------- inside the child processes (Django configured)


def _setup_database() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_fired (n INTEGER NOT NULL, fired_at DOUBLE PRECISION NOT NULL, pid INTEGER)")


def _schedule(engine: str, dues: list[Any]) -> None:
    """One pending item per due time, n = its index, in one transaction."""
    from django.db import transaction

    with transaction.atomic():
        if engine == "zhiban-jobs":
            from bench.deadline_jobs import KIND
            from zhiban.core import jobs

            for n, due in enumerate(dues):
                jobs.schedule(KIND, {"n": n}, due, dedupe_key=f"bench-deadline:{n}")
        else:
            from bench.deadline_tasks import fire

            for n, due in enumerate(dues):
                fire.using(run_after=due).enqueue(n)


def _dues(engine: str) -> dict[int, float]:
    if engine == "zhiban-jobs":
        from zhiban.core.models import Job

        jobs = Job.objects.filter(kind="bench.deadline").values_list("payload", "due_at")
        return {payload["n"]: due.timestamp() for payload, due in jobs}
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.values_list("args_kwargs", "run_after")
    return {arguments["args"][0]: due.timestamp() for arguments, due in tasks}


def _statuses(engine: str) -> dict[str, int]:
    from django.db.models import Count

    if engine == "zhiban-jobs":
        from zhiban.core.models import Job

        rows = Job.objects.filter(kind="bench.deadline").values("status").annotate(count=Count("id"))
        return {row["status"]: row["count"] for row in rows}
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.values("status").annotate(count=Count("id"))
    return {row["status"].lower(): row["count"] for row in found}


def _shift(engine: str, delta: Any) -> None:
    from django.db.models import F

    if engine == "zhiban-jobs":
        from zhiban.core.models import Job

        Job.objects.filter(kind="bench.deadline").update(due_at=F("due_at") - delta)
    else:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.update(run_after=F("run_after") - delta)


def _fired() -> list[tuple[int, float, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT n, fired_at, pid FROM bench_fired ORDER BY fired_at")
        return [(int(n), float(at), int(pid)) for n, at, pid in cursor.fetchall()]


def _distinct_fired() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(DISTINCT n) FROM bench_fired")
        return int(cursor.fetchone()[0])


def _worker_argv(engine: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "bench.deadlines", "worker", engine, *extra]


@contextmanager
def _workers(engine: str, count: int, logs: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    processes = []
    try:
        for i in range(count):
            with (logs / f"{engine}-worker-{i}.log").open("wb") as log:
                processes.append(subprocess.Popen(_worker_argv(engine), stdout=log, stderr=log, cwd=REPO))
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def drive(engine: str, workers: int, count: int, window: float) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    _setup_database()
    logs = Path(os.environ["ZHIBAN_VAR_DIR"])
    logs.mkdir(parents=True, exist_ok=True)
    far = timezone.now() + dt.timedelta(days=1)
    spacing = window / count
    started = time.perf_counter()
    _schedule(engine, [far + dt.timedelta(seconds=n * spacing) for n in range(count)])
    out: dict[str, Any] = {"schedule_s": round(time.perf_counter() - started, 1)}
    with _workers(engine, workers, logs) as processes:
        time.sleep(STARTUP)  # a benchmark, not a test: the workers load Django meanwhile
        _shift(engine, far - (timezone.now() + dt.timedelta(seconds=LEAD)))
        dues = _dues(engine)
        give_up = max(dues.values()) + GRACE
        while _distinct_fired() < count and time.time() < give_up:
            if all(process.poll() is not None for process in processes):
                break
            time.sleep(2)
        time.sleep(3)  # a second firing, if any, would land meanwhile
        out["workers_alive_at_end"] = sum(process.poll() is None for process in processes)
    fired = _fired()
    first: dict[int, float] = {}
    for n, at, _pid in fired:
        first.setdefault(n, at)
    lateness = sorted(first[n] - dues[n] for n in first)
    out.update(
        fired=len(first),
        fired_twice=len(fired) - len(first),
        missed=count - len(first),
        fired_early=sum(late < 0 for late in lateness),
        lateness_p50_s=round(_percentile(lateness, 0.50), 3) if lateness else None,
        lateness_p99_s=round(_percentile(lateness, 0.99), 3) if lateness else None,
        lateness_max_s=round(lateness[-1], 3) if lateness else None,
        fired_per_worker=sorted(Counter(pid for _n, _at, pid in fired).values(), reverse=True),
        statuses=_statuses(engine),
    )
    return out


def kill_check(engine: str) -> dict[str, Any]:
    """KILL_ITEMS items due already; a worker is SIGKILLed inside item KILL_ON, then another is started with its clock
    STALE_SHIFT seconds ahead and runs until nothing is due (`--once`, `--batch`)."""
    import datetime as dt

    from django.utils import timezone

    _setup_database()
    due = timezone.now() - dt.timedelta(minutes=1)
    _schedule(engine, [due + dt.timedelta(milliseconds=n) for n in range(KILL_ITEMS)])
    env = {**os.environ, "BENCH_BLOCK_ON": str(KILL_ON)}
    pipes: dict[str, Any] = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL}
    killed = subprocess.Popen(_worker_argv(engine), env=env, cwd=REPO, **pipes)
    watchdog = threading.Timer(300, killed.kill)
    watchdog.start()
    try:
        assert killed.stdout is not None
        said = False
        for line in killed.stdout:
            if line.strip() == f"inside {KILL_ON}".encode():
                said = True
                break
        killed.kill()
        killed.wait()
    finally:
        watchdog.cancel()
    if not said:
        raise SystemExit(f"{engine}: the worker never reached item {KILL_ON}")
    restart = ["--once"] if engine == "zhiban-jobs" else ["--batch"]
    env = {**os.environ, "BENCH_CLOCK_SHIFT": str(STALE_SHIFT)}
    subprocess.run(_worker_argv(engine, *restart), env=env, cwd=REPO, check=True, timeout=300, capture_output=True)
    fired = Counter(n for n, _at, _pid in _fired())
    return {
        "items": KILL_ITEMS,
        "killed_inside": KILL_ON,
        "fired_once": sum(1 for n in range(KILL_ITEMS) if fired[n] == 1),
        "fired_twice": sum(1 for n in range(KILL_ITEMS) if fired[n] > 1),
        "never_fired": [n for n in range(KILL_ITEMS) if fired[n] == 0],
        "statuses": _statuses(engine),
    }


def worker(engine: str, argv: list[str]) -> None:
    import django

    django.setup()
    shift = float(os.environ.get("BENCH_CLOCK_SHIFT", "0"))
    if shift:
        import datetime as dt

        import time_machine

        time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=shift), tick=True).start()
    from django.core.management import call_command

    if engine == "zhiban-jobs":
        import bench.deadline_jobs  # registers the handler

        call_command("worker", *argv)
    else:
        import bench.deadline_tasks  # noqa: F401

        call_command("db_worker", "--no-reload", *argv)


# ---------------------------------------------------------------- the parent: one child process per run


def _install_tasks_db(target: Path) -> str:
    """Install django-tasks-db into `target` (for the children's PYTHONPATH only); '' or why it failed."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), TASKS_DB],
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if done.returncode == 0 else f"pip install {TASKS_DB} failed: {done.stderr.strip()[-500:]}"


@contextmanager
def _database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh database: a new SQLite file, or a new database on the PostgreSQL server in DATABASE_URL."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'deadlines-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    import psycopg

    server = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not server.scheme.startswith("postgres"):
        raise SystemExit("the deadline benchmark needs DATABASE_URL to name a PostgreSQL server (run `make bench`)")
    name = f"zhiban_deadlines_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(server._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _child(engine: str, database: str, tmp: Path, tasks_db: Path, *args: str) -> dict[str, Any]:
    with _database(database, tmp) as url:
        var = tmp / f"var-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zhiban.config.settings" if engine == "zhiban-jobs" else "bench.tasks_settings",
            "DATABASE_URL": url,
            "ZHIBAN_VAR_DIR": str(var),
            "ZHIBAN_AUDIT_KEY": "bench-key",
            "SECRET_KEY": "bench-secret",
            "DEBUG": "0",
            "PYTHONPATH": os.pathsep.join([str(REPO), str(tasks_db)]),
        }
        done = subprocess.run(
            [sys.executable, "-m", "bench.deadlines", *args], env=env, cwd=REPO, capture_output=True, text=True
        )
    if done.returncode != 0:
        raise SystemExit(f"deadline benchmark child {args} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _meets(run: dict[str, Any]) -> bool:
    p99 = run.get("lateness_p99_s")
    return p99 is not None and p99 <= TARGET_P99 and run["fired_twice"] == 0 and run["missed"] == 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.deadlines", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--window", type=float, default=WINDOW, help="seconds over which the deadlines fall due")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--no-kill", action="store_true", help="leave out the kill scenario")
    parser.add_argument("--out", type=Path, default=RESULTS / "deadlines", help="results prefix (.json and .md)")
    parser.add_argument("--note", default="", help="a remark on this run for the results (e.g. the machine's load)")
    parser.add_argument(
        "--merge", type=Path, nargs="+", help="combine these results .json files (runs done apart) into --out, no run"
    )
    options = parser.parse_args(argv)
    if options.merge:
        reports = [json.loads(path.read_text()) for path in options.merge]
        merged = {**reports[0], "note": options.note or reports[0].get("note", "")}
        for key in ("runs", "kill"):
            merged[key] = [item for report in reports for item in report[key]]
        merged["not_measured"] = {k: v for report in reports for k, v in report["not_measured"].items()}
        _write(merged, options.out)
        print(_markdown(merged))
        return
    engines = options.engines.split(",")
    report: dict[str, Any] = {
        "benchmark": "deadlines",
        "machine": machine(),
        "count": options.count,
        "window_s": options.window,
        "lead_s": LEAD,
        "grace_s": GRACE,
        "target_p99_s": TARGET_P99,
        "django_tasks_db": TASKS_DB,
        "note": options.note,
        "runs": [],
        "kill": [],
        "not_measured": {},
    }
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        tasks_db = tmp / "site-packages"
        if "django-tasks-db" in engines and (why := _install_tasks_db(tasks_db)):
            report["not_measured"]["django-tasks-db"] = why
            engines.remove("django-tasks-db")
        for engine in engines:
            for database in options.databases.split(","):
                for workers in [int(w) for w in options.workers.split(",")]:
                    args = ["drive", engine, str(workers), str(options.count), str(options.window)]
                    run = {"engine": engine, "database": database, "workers": workers}
                    run |= {"count": options.count, "window_s": options.window}
                    run |= _child(engine, database, tmp, tasks_db, *args)
                    run["meets_target"] = _meets(run)
                    print(json.dumps(run), flush=True)
                    report["runs"].append(run)
                    _write(report, options.out)  # after every run: a long benchmark keeps what it measured
                if not options.no_kill:
                    kill = {"engine": engine, "database": database}
                    kill |= _child(engine, database, tmp, tasks_db, "kill-check", engine)
                    print(json.dumps(kill), flush=True)
                    report["kill"].append(kill)
                    _write(report, options.out)
    _write(report, options.out)
    print(_markdown(report))


def _write(report: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    out.with_suffix(".md").write_text(_markdown(report))


def _markdown(report: dict[str, Any]) -> str:
    def size(run: dict[str, Any]) -> tuple[int, float]:
        return run.get("count", report["count"]), run.get("window_s", report["window_s"])

    scaled = any(size(run) != (10000, 600) for run in report["runs"])
    lines = [
        "# The deadline engine",
        "",
        f"Machine: {report['machine']}. Command: `make bench` (`python -m bench deadlines`).",
        "Pending deadlines due evenly over the window, the first "
        f"{report['lead_s']:g} s after the idle workers were started; lateness = fired − due; missed = not fired "
        f"within {report['grace_s']:g} s after the last due time. Target: p99 ≤ {report['target_p99_s']:g} s, "
        "none twice, none missed."
        + (
            " **Scaled down** from the issue's 10,000 deadlines within 600 s where the table says so." if scaled else ""
        ),
        "",
        "| engine | database | workers | deadlines | window s | p50 s | p99 s | max s | fired twice | missed | early "
        "| per worker | meets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in report["runs"]:
        count, window = size(run)
        lines.append(
            f"| {run['engine']} | {run['database']} | {run['workers']} | {count} | {window:g} | "
            f"{run['lateness_p50_s']} | {run['lateness_p99_s']} | {run['lateness_max_s']} | {run['fired_twice']} | "
            f"{run['missed']} | {run['fired_early']} | {' / '.join(str(c) for c in run['fired_per_worker'])} | "
            f"{'yes' if run['meets_target'] else 'no'} |"
        )
    if report["kill"]:
        lines += [
            "",
            f"Kill scenario: {KILL_ITEMS} items due; a worker is SIGKILLed inside item {KILL_ON}; a worker is then "
            f"started with its clock {STALE_SHIFT:g} s ahead and runs until nothing is due.",
            "",
            "| engine | database | fired once | fired twice | never fired | statuses after |",
            "|---|---|---|---|---|---|",
            *[
                f"| {k['engine']} | {k['database']} | {k['fired_once']} | {k['fired_twice']} | "
                f"{k['never_fired'] or 'none'} | {k['statuses']} |"
                for k in report["kill"]
            ],
        ]
    for engine, why in report["not_measured"].items():
        lines += ["", f"Not measured: {engine}: {why}"]
    if report.get("note"):
        lines += ["", report["note"]]
    return "\n".join(lines) + "\n" + NOTES


NOTES = """
## What changed in the worker (issue 12)

Before, an idle `zhiban worker` slept a fixed `WORKER_POLL_SECONDS` (2 s) between passes, so a deadline falling due
just after a pass waited up to 2 s plus the next pass: p99 ≈ 2 s, the target with no margin. Measured on dd36811
(the commit before; this benchmark run in a checkout of it, `--engines zhiban-jobs --databases sqlite --count 1000
--window 60 --no-kill`: the same rate, scaled down, on the same loaded machine), SQLite:

| workers | p50 s | p99 s | max s | fired twice | missed | meets |
|---|---|---|---|---|---|---|
| 1 | 0.396 | 2.091 | 2.168 | 0 | 0 | no |
| 2 | 1.008 | 1.997 | 2.073 | 0 | 0 | yes, by 3 ms |

Now:

- An idle worker sleeps until the earliest pending job's `due_at` (`claims.Queue.next_due`, an index read), never
  longer than the poll, so rows other processes add are still seen within a poll.
- Reclaiming stale claims and keeping recurring jobs scheduled (the housekeeping) runs once per poll, not on every
  wake-up.
- A pass drains a queue until a claim comes back empty. Before, it stopped at the first batch it won only in part,
  which with two workers side by side left due jobs waiting for the next poll (and made `zhiban worker --once` leave
  due jobs behind).

What a crash still costs: the jobs a dead worker had claimed (its batch, up to 20) fire once its claims are stale,
`WORKER_STALE_SECONDS` (600 s by default) after they were claimed; late, never lost, never twice. The kill scenario
above is also a test: `zhiban/core/tests/test_worker_survives_kill.py` (SQLite file and
PostgreSQL) kills a real `zhiban worker` with SIGKILL while it is firing, restarts, and checks every job fired once.

## Django's Tasks API with django-tasks-db: not adopted

Timing is not what it lacks: its `db_worker` claims one task per transaction and, when nothing is ready, sleeps its
`--interval` (1 s by default), so lateness runs up to about a second (table above), and a second worker does not
shorten it (each sleeps its interval). What it lacks (version 0.13.0,
read in its code and shown by the kill scenario) is what the deadline engine is built on:

- **A dead worker's claim never comes back.** A task whose worker died stays RUNNING for good: neither `db_worker`
  nor `prune_db_task_results` (finished results only) ever returns it. In the kill scenario the task the worker was
  killed in never fires: a missed deadline, found only by someone looking. zhiban returns claims older than
  `WORKER_STALE_SECONDS` to the queue, up to `max_attempts`.
- **No exactly-once effect.** The task runs outside any transaction of the backend's, and the result is marked
  successful in a later save; a crash in between leaves the effect done and the task RUNNING, and putting it back
  by hand would do the effect twice. zhiban runs the handler and the "done" mark in one transaction, checked against
  its claim, so a reclaimed job's late finish rolls back (`jobs.ClaimLost`).
- **No retries with backoff.** A task that raises is FAILED at once; the API counts attempts but has no retry
  policy. zhiban retries with exponential backoff up to `max_attempts` and keeps the error.
- **No dedupe key and no cancel.** `jobs.schedule(..., dedupe_key=…)` keeps one open job per key (a partial unique
  constraint), so services re-schedule reminders without duplicates, and `jobs.cancel(key)` drops a pending one
  (a withdrawn request's reminders). Tasks have neither.
- **No recurring tasks** (`@job_handler(every=…)`): another package would be needed.
- On par: enqueueing is transactional (the ORM backend inserts in the caller's transaction, rolled back with it).
- It would add an app, its table and migrations, and a second kind of worker process beside `zhiban worker`, which
  also drains the notification outbox.

Adopting it would mean building the missing recovery, retries, dedupe and cancel around it, which is what
`zhiban/core/jobs.py` and `claims.py` already are. Revisit if the backend gains stale-claim recovery and retries.
"""


def _entry(argv: list[str]) -> None:
    if argv and argv[0] == "drive":
        engine, workers, count, window = argv[1:5]
        print(json.dumps(drive(engine, int(workers), int(count), float(window))))
    elif argv and argv[0] == "kill-check":
        print(json.dumps(kill_check(argv[1])))
    elif argv and argv[0] == "worker":
        worker(argv[1], argv[2:])
    else:
        main(argv)


if __name__ == "__main__":
    _entry(sys.argv[1:])
