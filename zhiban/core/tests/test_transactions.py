"""`atomic_retrying` runs a transaction again when PostgreSQL picks it as the loser of a real deadlock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction

from zhiban.core.transactions import atomic_retrying, lost_a_conflict
from zhiban.org.models import Unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
POLLS = 400  # × 25 ms: a generous bound for a busy 2-core machine


def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real deadlocks need PostgreSQL")


def waiting_on_a_lock(count: int) -> bool:
    """Poll until `count` other backends wait on a row lock (bounded; no clock involved in the outcome)."""
    with connections["default"].cursor() as cursor:
        for _ in range(POLLS):
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the view is otherwise frozen
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return True
            time.sleep(0.025)
    return False


def in_thread(target: Callable[[], Any], errors: list[str]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_loser_of_a_real_deadlock_is_run_again_and_both_succeed(org_tree: dict[str, Any]) -> None:
    _needs_postgres()
    one, two = org_tree["dept_a"], org_tree["dept_b"]
    a_has_one, b_has_two = threading.Event(), threading.Event()
    attempts: list[int] = []
    errors: list[str] = []

    def a() -> None:  # plain transaction: takes one, then (once B waits for one) two
        with transaction.atomic():
            Unit.objects.select_for_update().get(pk=one.pk)
            a_has_one.set()
            assert b_has_two.wait(30)
            assert waiting_on_a_lock(1)  # B waits for `one` first, so PostgreSQL picks B as the loser
            Unit.objects.select_for_update().get(pk=two.pk)
            Unit.objects.filter(pk=one.pk).update(name="甲改")

    @atomic_retrying
    def b() -> None:  # takes two, then one: the other order
        attempts.append(1)
        Unit.objects.select_for_update().get(pk=two.pk)
        b_has_two.set()
        Unit.objects.select_for_update().get(pk=one.pk)
        Unit.objects.filter(pk=two.pk).update(name="乙改")

    thread_a = in_thread(a, errors)
    assert a_has_one.wait(30)
    thread_b = in_thread(b, errors)
    thread_a.join(60)
    thread_b.join(60)
    assert errors == []
    assert len(attempts) == 2  # lost the deadlock once, then succeeded
    assert set(Unit.objects.filter(pk__in=[one.pk, two.pk]).values_list("name", flat=True)) == {"甲改", "乙改"}


def test_a_conflict_is_recognised_by_its_sqlstate_and_other_errors_are_not() -> None:
    class Deadlock(Exception):
        sqlstate = "40P01"

    wrapped = OperationalError("deadlock detected")
    wrapped.__cause__ = Deadlock()
    assert lost_a_conflict(wrapped)
    assert not lost_a_conflict(OperationalError("could not connect"))
