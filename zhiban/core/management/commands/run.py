"""`zhiban run [--port P] [--dev]` — the web server and the worker together; Ctrl-C stops both.

Each child runs in its own process group, so stopping it also stops what it started (gunicorn's
workers, runserver's autoreloader child); on Linux children also get SIGTERM if `run` itself is
killed, so nothing is left orphaned.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

PR_SET_PDEATHSIG = 1
STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0


def _die_with_parent() -> None:
    """In the child before exec (Linux): receive SIGTERM when `zhiban run` dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    label: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        preexec = _die_with_parent if sys.platform.startswith("linux") else None
        self.process = subprocess.Popen(self.argv, start_new_session=True, preexec_fn=preexec)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _group_alive(self) -> bool:
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def stop(self, deadline_seconds: float = STOP_SECONDS) -> None:
        """SIGTERM the child's whole process group, wait, then SIGKILL what is left."""
        if self.process is None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=deadline_seconds)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.process.wait()
        waited = threading.Event()
        for _ in range(int(deadline_seconds * 10)):
            if not self._group_alive():
                return
            waited.wait(0.1)
        self._signal_group(signal.SIGKILL)


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = "Serve zhiban (gunicorn, or runserver with --dev) and run the worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--dev", action="store_true", help="Django's runserver (autoreload) instead of gunicorn")
        parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per process")
        parser.add_argument("--no-worker", action="store_true", help="serve only (workers run elsewhere)")

    def _web_argv(self, options: dict[str, Any]) -> list[str]:
        address = f"{options['host']}:{options['port']}"
        if options["dev"]:
            return [sys.executable, "-m", "zhiban", "runserver", address]
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "zhiban.config.wsgi:application",
            "--bind",
            address,
            "--threads",
            str(options["threads"]),
            "--graceful-timeout",
            "5",
            "--no-control-socket",  # several instances on one machine would share its default path
        ]

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)

        if not _port_free(options["host"], options["port"]):
            raise CommandError(f"port {options['port']} on {options['host']} is already in use; pass --port")
        children = [Child("web", self._web_argv(options))]
        if not options["no_worker"]:
            children.append(Child("worker", [sys.executable, "-m", "zhiban", "worker", "--name", "run"]))
        try:
            for child in children:
                child.start()
            self._wait_until_serving(children[0], options["host"], options["port"], stop)
            url = f"http://{options['host']}:{options['port']}/"
            pids = ", ".join(f"{child.label} pid {child.pid}" for child in children)
            self.stdout.write(f"zhiban is running at {url} ({pids}); press Ctrl-C to stop.")
            self.stdout.flush()
            while not stop.is_set():
                gone = [child for child in children if not child.alive()]
                if gone:
                    raise CommandError(f"the {gone[0].label} process stopped (exit {gone[0].process.returncode})")  # type: ignore[union-attr]
                stop.wait(0.5)
        finally:
            for child in reversed(children):
                child.stop()
            self.stdout.write("zhiban stopped.")
            self.stdout.flush()

    def _wait_until_serving(self, web: Child, host: str, port: int, stop: threading.Event) -> None:
        for _ in range(int(STARTUP_SECONDS * 10)):
            if stop.is_set():
                return
            if not web.alive():
                raise CommandError(f"the web server did not start (is port {port} already in use?)")
            if _listening(host, port):
                return
            stop.wait(0.1)
        raise CommandError(f"the web server did not listen on {host}:{port} within {STARTUP_SECONDS:.0f} seconds")
