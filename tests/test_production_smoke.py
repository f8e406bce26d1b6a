"""Production mode end to end: PostgreSQL, collectstatic, gunicorn with 2 processes, 2 workers.

Everything runs as real processes with the production environment (DEBUG=0), the way
docs/DEPLOYMENT.md describes, against a fresh database on the run's PostgreSQL server that is dropped afterwards.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.utils import translation

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"
STARTUP_SECONDS = 90.0  # two shared cores: gunicorn's processes may take a while to import Django
STOP_SECONDS = 40.0  # gunicorn's graceful_timeout is 30 s
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture
def production_env(scratch_postgres_url: str, tmp_path: Path) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "zhiban.config.settings",
            "DEBUG": "0",
            "DATABASE_URL": scratch_postgres_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ZHIBAN_AUDIT_KEY": secrets.token_urlsafe(50),
            "ZHIBAN_VAR_DIR": str(tmp_path / "var"),
            "ZHIBAN_AUDIT_CHECKPOINT": str(tmp_path / "audit" / "audit-checkpoint.json"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "ZHIBAN_MANIFEST_STATIC": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    (tmp_path / "audit").mkdir()
    return env


def zhiban(env: dict[str, str], *args: str) -> None:
    """Run a `zhiban` management command to completion; fail with its output if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "zhiban", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"zhiban {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    label: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def start(label: str, argv: list[str], env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{label}.log"
    with log.open("wb") as sink:
        popen = subprocess.Popen(argv, env=env, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT)
    return Process(label, popen, log)


def wait_until_listening(process: Process, port: int) -> None:
    """Try to connect until the port answers: a bounded number of attempts, a short wait between
    them that also returns at once if the process dies."""
    attempts = int(STARTUP_SECONDS / 0.25)
    for _ in range(attempts):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            pass
        try:
            process.popen.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"{process.label} exited with {process.popen.returncode}:\n{process.output()}")
    pytest.fail(f"{process.label} did not listen on port {port} in {STARTUP_SECONDS} s:\n{process.output()}")


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def stop(process: Process) -> int | None:
    """SIGTERM, then wait; the exit code, or None if the process had to be killed."""
    if process.popen.poll() is None:
        process.popen.send_signal(signal.SIGTERM)
    try:
        return process.popen.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.popen.kill()
        process.popen.wait(timeout=10)
        return None


def test_production_mode_serves_pages_static_files_and_api(production_env: dict[str, str], tmp_path: Path) -> None:
    env = production_env
    with translation.override("zh-hans"):
        log_in_label = translation.gettext("Log in")
    zhiban(env, "migrate", "--noinput")
    zhiban(env, "collectstatic", "--noinput")
    assert (tmp_path / "static" / "staticfiles.json").exists()

    port = free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    processes: list[Process] = []
    try:
        web = start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}", "-w", "2"],
            env,
            logs,
        )
        processes.append(web)
        if "worker" in get_commands():
            for number in (1, 2):
                processes.append(
                    start(
                        f"worker-{number}",
                        [sys.executable, "-m", "zhiban", "worker", "--name", f"smoke-{number}"],
                        env,
                        logs,
                    )
                )
        wait_until_listening(web, port)
        base = f"http://127.0.0.1:{port}"

        # The login page: Chinese by default, a CSP with a fresh nonce that the page's script uses.
        status, headers, body = get(f"{base}/accounts/login/")
        page = body.decode()
        assert status == 200, page
        assert '<html lang="zh-CN">' in page
        assert "值班" in page
        assert log_in_label != "Log in"
        assert log_in_label in page
        csp = headers.get("Content-Security-Policy", "")
        nonce = re.search(r"'nonce-([^']+)'", csp)
        assert nonce, f"no nonce in the CSP header {csp!r}"
        assert f'nonce="{nonce.group(1)}"' in page
        assert "'unsafe-inline'" not in csp

        # A hashed static file, served by whitenoise with a long cache lifetime (and compressed).
        stylesheet = re.search(r'href="(/static/zhiban/zhiban\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page does not link the hashed stylesheet"
        status, headers, body = get(base + stylesheet.group(1), **{"Accept-Encoding": "gzip"})
        assert status == 200
        cache = headers.get("Cache-Control", "")
        max_age = re.search(r"max-age=(\d+)", cache)
        assert max_age, cache
        assert int(max_age.group(1)) >= ONE_YEAR, cache
        assert "immutable" in cache
        assert headers.get("Content-Encoding") == "gzip"

        # The OpenAPI document.
        status, headers, body = get(f"{base}/api/openapi.json")
        assert status == 200
        assert headers.get("Content-Type", "").startswith("application/json")
        assert json.loads(body)["openapi"].startswith("3.")

        # Two web processes under the master, and every process still alive after the requests.
        assert len(children_of(web.popen.pid)) == 2
        for process in processes:
            assert process.popen.poll() is None, f"{process.label} died:\n{process.output()}"
    finally:
        web_processes = children_of(processes[0].popen.pid) if processes else set()
        exit_codes = {process.label: stop(process) for process in processes}

    logs_text = "\n".join(f"--- {process.label}\n{process.output()}" for process in processes)
    assert exit_codes == {process.label: 0 for process in processes}, logs_text
    assert not [pid for pid in web_processes if Path(f"/proc/{pid}").exists()], "gunicorn left processes behind"
