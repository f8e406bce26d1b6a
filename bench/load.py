"""Load benchmark: many users at once against the production setup (gunicorn with deploy/gunicorn.conf.py on
PostgreSQL), mixed reads and writes through the API, beside a bare page in the same run.

A fresh database on the PostgreSQL server in DATABASE_URL (`make bench` starts a throwaway one) gets the demo
organisations, accounts and API tokens for LOAD_USERS people; then LOAD_USERS client threads run for LOAD_SECONDS:
each reads (people, board, its own leave, its inbox) and writes (files leave, then withdraws it) in turn. The bare
page (the login form: no database) is then loaded by as many threads for a third of the time. Writes
`bench/results/load.json` and `.md`: requests, errors (any 5xx or failed connection), throughput and latency
percentiles per kind, with the machine noted. The clients share the machine's 2 cores with the server, so the
figures are a floor, and the bare page shows what the client and the machine alone allow.
Environment: LOAD_USERS (default 100), LOAD_SECONDS (default 180), LOAD_WORKERS (gunicorn processes, default 4).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.foundation import RESULTS, machine

REPO = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("LOAD_USERS", "100"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "180"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))

SETUP = r"""
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))
from zhiban.accounts import services as accounts
from zhiban.org import services as org
from zhiban.org.models import Person, PersonKind

wanted = int(sys.argv[1])
people = list(Person.objects.filter(kind=PersonKind.STAFF, is_active=True).order_by("id")[:wanted])
tokens = []
for person in people:
    if person.user is None:
        org.person_open_account(actor=None, person=person, username=f"load{person.pk}", password="load-bench-pass-1")
        person.refresh_from_db()
    _token, plain = accounts.access_token_create(actor=None, user=person.user, name="load", second_factor_passed=True)
    tokens.append(plain)
print(json.dumps(tokens))
"""


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # 4xx: the rules said no
    why: Counter[str] = field(default_factory=Counter)  # what the 4xx said (rule codes), and the 5xx
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int, content: bytes) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if status >= 500 or status == 0:
                self.errors[kind] += 1
                self.why[f"{status} {content[:80]!r}"] += 1
            elif status >= 400:
                self.refused[kind] += 1
                self.why[f"{status} {_codes(content)}"] += 1


def _codes(content: bytes) -> str:
    try:
        body = json.loads(content)
    except ValueError:
        return content[:80].decode(errors="replace")
    violations = body.get("violations") or []
    if violations:
        return ",".join(sorted({v.get("code", "") for v in violations}))
    detail = body.get("detail") or [""]
    return f"{body.get('code', '')} {sorted(body.get('errors') or {})} {str(detail[0])[:60]}"


def _call(
    base: str, method: str, path: str, token: str | None, body: dict[str, object] | None = None
) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def _timed(tally: Tally, kind: str, base: str, method: str, path: str, token: str | None, body=None) -> bytes:
    start = time.perf_counter()
    status, content = _call(base, method, path, token, body)
    tally.add(kind, time.perf_counter() - start, status, content)
    return content if 200 <= status < 300 else b""


def _user(base: str, token: str, index: int, until: float, tally: Tally) -> None:
    rng = random.Random(index)
    ahead = dt.date.today() + dt.timedelta(days=40 + index % 200)  # far enough ahead for every notice period
    day = ahead + dt.timedelta(days=(7 - ahead.weekday()) % 7 if ahead.weekday() >= 5 else 0)  # a working day
    while time.perf_counter() < until:
        for path in ("/api/v1/people?limit=50", "/api/v1/roster/board", "/api/v1/leave/requests", "/api/v1/inbox"):
            _timed(tally, "read", base, "GET", path, token)
        if rng.random() < 0.5:
            start = day.isoformat()
            body = {
                "kind": "personal",
                "starts_at": f"{start}T09:00:00+08:00",
                "ends_at": f"{start}T17:00:00+08:00",
                "reason": "压力测试",
                "warning_reason": "压力测试",
            }
            filed = _timed(tally, "write", base, "POST", "/api/v1/leave/requests", token, body)
            if filed:
                public_id = json.loads(filed)["public_id"]
                _timed(tally, "write", base, "POST", f"/api/v1/leave/requests/{public_id}/cancel", token, {})


def _bare(base: str, until: float, tally: Tally) -> None:
    while time.perf_counter() < until:
        _timed(tally, "bare page", base, "GET", "/accounts/login/", None)


def _run_threads(target, args_list: list[tuple]) -> None:
    threads = [threading.Thread(target=target, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _summary(tally: Tally, seconds: dict[str, float]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for kind, values in tally.latencies.items():
        ordered = sorted(values)
        out[kind] = {
            "requests": len(values),
            "errors_5xx": tally.errors[kind],
            "refused_4xx": tally.refused[kind],
            "per_second": round(len(values) / seconds[kind], 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
        }
    return out


def _database() -> tuple[str, str]:
    server = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not server.scheme.startswith("postgres"):
        raise SystemExit("the load benchmark needs DATABASE_URL to name a PostgreSQL server (run `make bench`)")
    name = f"zhiban_load_{uuid.uuid4().hex[:8]}"
    return urlunsplit(server._replace(path="/postgres")), urlunsplit(server._replace(path=f"/{name}"))


def main() -> None:
    import psycopg

    admin, url = _database()
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    web = None
    try:
        with tempfile.TemporaryDirectory() as directory:
            tmp = Path(directory)
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "zhiban.config.settings",
                "DATABASE_URL": url,
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ZHIBAN_AUDIT_KEY": secrets.token_urlsafe(50),
                "ZHIBAN_VAR_DIR": str(tmp / "var"),
                "ZHIBAN_AUDIT_CHECKPOINT": str(tmp / "audit-checkpoint.json"),
                "STATIC_ROOT": str(tmp / "static"),
                "ALLOWED_HOSTS": "127.0.0.1",
                "GUNICORN_LOG_LEVEL": "warning",
            }
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", SETUP, str(USERS)], env=env, cwd=REPO, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise SystemExit(f"load setup failed:\n{done.stderr[-3000:]}")
            tokens = json.loads(done.stdout.strip().splitlines()[-1])
            setup_s = time.perf_counter() - started
            subprocess.run(
                [sys.executable, "-m", "zhiban", "collectstatic", "--noinput", "-v", "0"], env=env, check=True
            )
            port = _free_port()
            log = (tmp / "gunicorn.log").open("wb")
            web = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                 "-w", str(WORKERS), "--access-logfile", "/dev/null"],
                env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            _wait_listening(base)
            tally = Tally()
            mixed_until = time.perf_counter() + SECONDS
            _run_threads(_user, [(base, token, i, mixed_until, tally) for i, token in enumerate(tokens)])
            bare_seconds = SECONDS / 3
            _run_threads(_bare, [(base, time.perf_counter() + bare_seconds, tally) for _ in tokens])
            per_kind = {"read": SECONDS, "write": SECONDS, "bare page": bare_seconds}
            report = {
                "benchmark": "load",
                "machine": machine(),
                "users": len(tokens),
                "seconds": SECONDS,
                "gunicorn_workers": WORKERS,
                "setup_s": round(setup_s, 1),
                "results": _summary(tally, per_kind),
                "answers_other_than_2xx": dict(tally.why.most_common()),
            }
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=60)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _write(report)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(base: str) -> None:
    for _ in range(240):  # bounded: 2 minutes at most for gunicorn's processes to import Django
        if _call(base, "GET", "/accounts/login/", None)[0] == 200:
            return
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def _write(report: dict[str, object]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    results = report["results"]
    assert isinstance(results, dict)
    lines = [
        "# Load benchmark",
        "",
        f"Machine: {report['machine']}. Command: `make bench` (`python -c 'from bench import load; load.main()'`).",
        f"{report['users']} users for {report['seconds']} s against gunicorn ({report['gunicorn_workers']} processes,"
        " deploy/gunicorn.conf.py) on PostgreSQL, clients on the same 2 cores; the bare page (login form, no"
        " database) for a third of that time right after.",
        "",
        "| kind | requests | 5xx | 4xx (refused by a rule) | per second | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
        *[
            f"| {kind} | {r['requests']} | {r['errors_5xx']} | {r['refused_4xx']} | {r['per_second']} | {r['p50_ms']}"
            f" | {r['p95_ms']} | {r['max_ms']} |"
            for kind, r in results.items()
        ],
        "",
        "Reads: people (50 a page), the duty board, the user's leave requests, the inbox. Writes: file a leave"
        " request, then withdraw it.",
        "",
        "Answers other than 2xx (status and what they cited):",
        "",
        *[f"- {why}: {n}" for why, n in report["answers_other_than_2xx"].items()],  # type: ignore[attr-defined]
    ]
    (RESULTS / "load.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
