"""SWAP-06 where leave is filed: no leave on a swapped or returned shift (P7 换班制度 六)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhiban.core.models import AuditEvent
from zhiban.leave import services as leave_services
from zhiban.leave.models import LeaveRequest
from zhiban.policy.errors import RuleViolationError
from zhiban.swaps import services
from zhiban.swaps.tests.conftest import Centre
from zhiban.swaps.tests.test_services import approve_both, ask

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))


def _file(c: Centre, who: str, day: int) -> LeaveRequest:
    return leave_services.leave_file(
        actor=c[who].user,
        person=c[who],
        kind="personal",
        starts_at=dt.datetime(2026, 12, day, 0, 0, tzinfo=TZ),
        ends_at=dt.datetime(2026, 12, day, 23, 0, tzinfo=TZ),
        reason="家中有事",
    )


def test_swap_06_leave_filed_on_a_returned_shift_is_refused_and_nothing_changes(roster: Centre) -> None:
    c = roster
    approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    before = (LeaveRequest.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RuleViolationError) as refused:
        _file(c, "wang", 8)  # wang works li's 8th in return
    assert "SWAP-06.no_leave_on_swapped_shift" in refused.value.codes
    assert (LeaveRequest.objects.count(), AuditEvent.objects.count()) == before


def test_swap_06_leave_on_a_shift_not_swapped_passes_that_rule(roster: Centre) -> None:
    c = roster
    approve_both(c, services.swap_accept(actor=c["li"].user, swap=ask(c, "wang", 7, "li", back=8)))
    leave = _file(c, "wang", 9)
    assert leave.status == "pending"
