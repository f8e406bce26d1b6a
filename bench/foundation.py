"""Foundation benchmark: audit-chain appends and verification, a 2,000-person import, the people list.

Runs on a fresh SQLite file and on a fresh PostgreSQL database (the machine's, trust auth), each in a
child process, and writes `bench/results/foundation.json` and `.md` with the machine noted.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RESULTS = Path(__file__).parent / "results"
PEOPLE = 2000
EVENTS = 5000

CHILD = r"""
import json, os, resource, sys, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
call_command("migrate", verbosity=0)
from zhiban.core import audit
from zhiban.org import services
from zhiban.org.people_import import import_people
from zhiban.accounts.models import User

people, events = int(sys.argv[1]), int(sys.argv[2])
out = {"database": connection.vendor}

org = services.unit_create(actor=None, name="基准局", kind="organisation", policy_pack="bureau")
depts = [services.unit_create(actor=None, name=f"处{i}", kind="department", parent=org) for i in range(20)]
rows = ["工号,姓名,单位,手机,角色"] + [
    f"B{i:05d},人员{i},基准局/处{i % 20},139{i:08d},值班人员" for i in range(people)
]
content = ("\n".join(rows) + "\n").encode()
t = time.perf_counter()
result = import_people(actor=None, filename="people.csv", content=content)
out["import_people_rows"] = people
out["import_people_s"] = round(time.perf_counter() - t, 3)
assert result.created == people

t = time.perf_counter()
for i in range(events):
    with transaction.atomic():
        audit.record(actor=None, action="bench.write", object_type="bench", object_id=str(i), after={"i": i})
elapsed = time.perf_counter() - t
out["audit_appends"] = events
out["audit_appends_per_s"] = round(events / elapsed, 1)

total = audit.verify_chain()
t = time.perf_counter()
total = audit.verify_chain()
out["audit_verify_events"] = total.checked
out["audit_verify_s"] = round(time.perf_counter() - t, 3)
assert total.ok

from zhiban.org.models import Person, RoleAssignment
viewer = User.objects.create(username="bench")
head = Person.objects.create(employee_number="HEAD", name="局长", unit=org, user=viewer)
RoleAssignment.objects.create(person=head, role="department_head", unit=org)  # sees the whole organisation
client = Client()
client.force_login(viewer)
client.get("/org/people/")
samples = []
for _ in range(20):
    t = time.perf_counter()
    assert client.get("/org/people/", {"q": "人员1"}).status_code == 200
    samples.append(time.perf_counter() - t)
samples.sort()
out["people_search_page_median_ms"] = round(samples[len(samples) // 2] * 1000, 1)
out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


def _run(database_url: str, tmp: Path) -> dict[str, object]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhiban.config.settings",
        "DATABASE_URL": database_url,
        "ZHIBAN_VAR_DIR": str(tmp / "var"),
        "ZHIBAN_AUDIT_KEY": "bench-key",
        "SECRET_KEY": "bench-secret",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(PEOPLE), str(EVENTS)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres(tmp: Path) -> dict[str, object]:
    """On a fresh database of the PostgreSQL server in DATABASE_URL (`make bench` starts a throwaway one)."""
    import psycopg

    server = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not server.scheme.startswith("postgres"):
        raise SystemExit("the foundation benchmark needs DATABASE_URL to name a PostgreSQL server (run `make bench`)")
    name = f"zhiban_bench_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run(urlunsplit(server._replace(path=f"/{name}")), tmp)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        runs = [_run(f"sqlite:///{tmp / 'bench.sqlite3'}", tmp), _postgres(tmp)]
    report = {"benchmark": "foundation", "machine": machine(), "runs": runs}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "foundation.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    keys = [k for k in runs[0] if k != "database"]
    lines = [
        "# Foundation benchmark",
        "",
        f"Machine: {report['machine']}. Command: `make bench` (`python -m bench`).",
        "",
        "| measure | " + " | ".join(str(r["database"]) for r in runs) + " |",
        "|---|" + "---|" * len(runs),
        *[f"| {k} | " + " | ".join(str(r[k]) for r in runs) + " |" for k in keys],
        "",
    ]
    (RESULTS / "foundation.md").write_text("\n".join(lines))
    print("\n".join(lines))
