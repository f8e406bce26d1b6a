"""Several processes write at once: SQLite (WAL, busy timeout, IMMEDIATE) never says "database is locked",
and the audit chain never forks — on SQLite and on PostgreSQL, with real separate processes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

WRITER = """
import django, os, sys
django.setup()
from django.db import transaction
from zhiban.core import audit
for i in range(int(sys.argv[1])):
    with transaction.atomic():
        audit.record(actor=None, action="test.concurrent", object_type="writer", object_id=f"{os.getpid()}-{i}")
"""

VERIFY = """
import django
django.setup()
from zhiban.core import audit
from zhiban.core.models import AuditEvent
result = audit.verify_chain()
print(result.ok, result.checked, AuditEvent.objects.filter(action="test.concurrent").count(), result.problem)
"""

WRITERS, EVENTS_EACH = 4, 40


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhiban.config.settings",
        "DATABASE_URL": database_url,
        "ZHIBAN_VAR_DIR": str(tmp_path / "var"),
        "ZHIBAN_AUDIT_KEY": "concurrency-test-key",
        "SECRET_KEY": "concurrency-test-secret",
    }


def _run_writers(env: dict[str, str]) -> str:
    subprocess.run([sys.executable, "-m", "zhiban", "migrate", "-v", "0"], env=env, check=True)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(EVENTS_EACH)], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(WRITERS)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * WRITERS, errors
    assert not any("database is locked" in e for e in errors)
    out = subprocess.run([sys.executable, "-c", VERIFY], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def test_sqlite_file_shared_by_several_writer_processes(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    ok, checked, written, *_ = _run_writers(env).split(" ")
    assert ok == "True"
    assert int(written) == WRITERS * EVENTS_EACH
    assert int(checked) == WRITERS * EVENTS_EACH


@pytest.mark.postgres
def test_postgres_audit_chain_does_not_fork_under_concurrent_writers(tmp_path: Path, scratch_postgres_url: str) -> None:
    env = _env(tmp_path, scratch_postgres_url)
    ok, checked, written, *_ = _run_writers(env).split(" ")
    assert ok == "True"
    assert int(written) == WRITERS * EVENTS_EACH
    assert int(checked) == WRITERS * EVENTS_EACH
