"""The background worker: drains every registered queue (jobs, the notification outbox, …).

Any number of workers may run side by side, on one machine or several: each row is claimed by one
of them (see `zhiban.core.claims`). A worker that dies leaves its claims behind; another returns
them to the queue once they are stale. Nothing lives only in memory.

An idle worker sleeps until the earliest pending row falls due, but never longer than
`WORKER_POLL_SECONDS`, so a deadline fires within moments of its due time while rows that other
processes add are still seen within one poll. Reclaiming stale claims and keeping recurring jobs
scheduled (the housekeeping) happens at most once per poll, not on every wake-up.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from types import FrameType

from django.conf import settings
from django.db import close_old_connections, connections

from zhiban.core import claims, clock, jobs

logger = logging.getLogger("zhiban.worker")

MIN_WAIT_SECONDS = 0.01  # a row due already but not claimable (another worker holds it): do not spin


def default_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Worker:
    """One worker. `run_once()` does all work that is due now; `run()` loops until stopped."""

    def __init__(self, *, name: str = "", batch: int = 20, poll_seconds: float | None = None) -> None:
        # A random suffix makes each claim unique even if two workers are started with one name.
        self.name = f"{(name or default_name())[:70]}#{secrets.token_hex(3)}"
        self.batch = batch
        self.poll_seconds = settings.WORKER_POLL_SECONDS if poll_seconds is None else poll_seconds
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_once(self, *, housekeeping: bool = True) -> int:
        """Reclaim dead workers' rows, keep recurring jobs scheduled (the housekeeping), then drain
        every queue until nothing due is left (or a stop is asked for). Returns how many rows were
        handled."""
        jobs.discover()
        queues = claims.registered_queues()
        if housekeeping:
            now = clock.now()
            for queue in queues:
                reclaimed, failed = queue.reclaim(now)
                if reclaimed or failed:
                    logger.warning("%s: %s stale claims returned, %s given up", queue.name, reclaimed, failed)
            jobs.ensure_recurring()
        handled = 0
        for queue in queues:
            while not self.stopping:
                count = queue.drain(self.name, self.batch)
                handled += count
                # Not `count < batch`: a worker beside this one may have won part of the batch while more is due.
                if count == 0:
                    break
        return handled

    def idle_seconds(self) -> float:
        """How long to sleep with nothing due: until the earliest pending row of any queue falls due,
        at most `poll_seconds`."""
        wait = self.poll_seconds
        now = clock.now()
        for queue in claims.registered_queues():
            due = queue.next_due() if queue.next_due is not None else None
            if due is not None:
                wait = min(wait, max(MIN_WAIT_SECONDS, (due - now).total_seconds()))
        return wait

    def run(self) -> None:
        """Loop until SIGTERM / SIGINT (or `stop()`); finishes the row in hand before leaving."""
        self._install_signal_handlers()
        logger.info("worker %s started", self.name)
        last_housekeeping: float | None = None
        try:
            while not self.stopping:
                close_old_connections()
                started = time.monotonic()
                housekeeping = last_housekeeping is None or started - last_housekeeping >= self.poll_seconds
                try:
                    handled = self.run_once(housekeeping=housekeeping)
                    if housekeeping:
                        last_housekeeping = started
                    wait = 0.0 if handled else self.idle_seconds()
                except Exception:
                    logger.exception("worker %s: a pass failed; trying again after a pause", self.name)
                    wait = self.poll_seconds
                if wait:
                    self._stop.wait(wait)
        finally:
            connections.close_all()
            logger.info("worker %s stopped", self.name)

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info(
                "worker %s: %s received, stopping after the row in hand", self.name, signal.Signals(signum).name
            )
            self.stop()
            signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C interrupts at once

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
