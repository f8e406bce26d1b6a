"""On PostgreSQL, filings, withdrawals and approvals in one organisation at the same moment, each in its own thread
and connection: no error (a transaction that loses a deadlock is run again) and every write exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections

from zhiban.core import audit
from zhiban.core.models import AuditEvent
from zhiban.leave import services
from zhiban.leave.models import LeaveRequest
from zhiban.org.models import Person
from zhiban.org.tests.factories import PersonFactory, UserFactory

from .conftest import local

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
FIRST, SECOND, LATE = 6, 6, 4


def _officers(tree: dict[str, Any], prefix: str, count: int) -> list[Person]:
    return [
        PersonFactory.create(
            name=f"{prefix}{i}", unit=tree["station_a"], user=UserFactory.create(username=f"{prefix}{i}")
        )
        for i in range(count)
    ]


def _file(person: Person) -> LeaveRequest:
    assert person.user is not None
    return services.leave_file(
        actor=person.user,
        person=person,
        kind="personal",
        starts_at=local(2026, 12, 21, 8),
        ends_at=local(2026, 12, 21, 18),
        reason="家中有事",
    )


def _all_at_once(tasks: list[Callable[[], object]]) -> list[str]:
    """Run the tasks in threads released together; return the errors (as text) they raised."""
    barrier = threading.Barrier(len(tasks))
    errors: list[str] = []
    lock = threading.Lock()

    def run(task: Callable[[], object]) -> None:
        try:
            barrier.wait()
            task()
        except Exception as error:  # every error is a failure of the test: collect them all
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return errors


def test_concurrent_filings_withdrawals_and_approvals_all_succeed_once(roster_org: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    first, second, late = (
        _officers(roster_org, "a", FIRST),
        _officers(roster_org, "b", SECOND),
        _officers(roster_org, "c", LATE),
    )
    assert _all_at_once([partial(_file, p) for p in first + second]) == []
    leaves = {leave.person_id: leave for leave in LeaveRequest.objects.all()}
    head = roster_org["head_a"].user
    tasks: list[Callable[[], object]] = [
        *(partial(services.leave_cancel, actor=p.user, leave=leaves[p.pk]) for p in first),  # type: ignore[arg-type]
        *(partial(services.leave_decide, actor=head, leave=leaves[p.pk], approve=True) for p in second),
        *(partial(_file, p) for p in late),
    ]
    assert _all_at_once(tasks) == []
    statuses = Counter(LeaveRequest.objects.values_list("status", flat=True))
    assert statuses == {"cancelled": FIRST, "approved": SECOND, "pending": LATE}
    actions = Counter(AuditEvent.objects.filter(action__startswith="leave.").values_list("action", flat=True))
    assert actions["leave.request.file"] == FIRST + SECOND + LATE
    assert sum(n for action, n in actions.items() if action != "leave.request.file") == FIRST + SECOND
    assert audit.verify_chain().ok
