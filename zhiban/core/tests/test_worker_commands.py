"""`zhiban worker --once` does the due work and exits; `zhiban run` starts the web server and the
worker and stops both (and everything they started) on SIGINT."""

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from zhiban.core import clock, jobs
from zhiban.core.models import Job

ran: list[dict[str, Any]] = []


@jobs.job_handler("test.command")
def command_job(payload: dict[str, Any]) -> None:
    ran.append(payload)


@pytest.mark.django_db
def test_worker_once_runs_due_jobs_and_exits() -> None:
    ran.clear()
    with transaction.atomic():
        due = jobs.schedule("test.command", {"n": 1}, clock.now())
        later = jobs.schedule("test.command", {"n": 2}, clock.now().replace(year=clock.now().year + 1))
    out = io.StringIO()
    call_command("worker", "--once", "--name", "once", stdout=out)
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Job.Status.DONE
    assert due.claimed_by.startswith("once#")
    assert later.status == Job.Status.PENDING
    assert ran == [{"n": 1}]
    assert "handled" in out.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "ZHIBAN_TEST_DB_NAME"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'zhiban.sqlite3'}",
        ZHIBAN_VAR_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="zhiban.config.settings",
        PYTHONUNBUFFERED="1",
        ZHIBAN_WORKER_POLL="0.2",
    )
    return env


@pytest.fixture(scope="module")
def migrated_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var/ directory with a migrated SQLite database, as `make run` prepares it."""
    var = tmp_path_factory.mktemp("var")
    subprocess.run(
        [sys.executable, "-m", "zhiban", "migrate", "--noinput", "-v", "0"], env=_env(var), check=True, timeout=300
    )
    return var


def _session_members(session_id: int) -> list[int]:
    """Live (non-zombie) processes in a session: a child started with its own session and its descendants."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            members.append(int(entry.name))
    return members


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("dev", [False, True], ids=["gunicorn", "runserver"])
def test_run_serves_and_stops_both_children_on_sigint(migrated_var: Path, dev: bool) -> None:
    port = _free_port()
    argv = [sys.executable, "-m", "zhiban", "run", "--port", str(port)] + (["--dev"] if dev else [])
    run = subprocess.Popen(argv, env=_env(migrated_var), stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(120, run.kill)
    watchdog.start()
    try:
        assert run.stdout is not None
        line = ""
        for line in run.stdout:
            if "zhiban is running at" in line:
                break
        assert f"http://127.0.0.1:{port}/" in line, "run stopped before serving"
        pids = {
            label: int(pid)
            for label, pid in (part.split(" pid ") for part in line.split("(")[1].split(")")[0].split(", "))
        }
        assert set(pids) == {"web", "worker"}
        assert all(_alive(pid) for pid in pids.values())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=30) as response:
            assert response.status == 200
            assert "csrfmiddlewaretoken" in response.read().decode()
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 0
    finally:
        watchdog.cancel()
        if run.poll() is None:
            run.kill()
    assert not any(_alive(pid) for pid in pids.values())
    assert [member for pid in pids.values() for member in _session_members(pid)] == []
