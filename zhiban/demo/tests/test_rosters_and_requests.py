"""The demo shows the product working: published rosters on the board, drafts for next month, requests
waiting in named approvers' inboxes — all written through the services, audited, and loaded only once."""

from collections import Counter

import pytest
import time_machine

from zhiban.accounts.models import User
from zhiban.approvals import selectors as approval_selectors
from zhiban.core import audit
from zhiban.core.models import AuditEvent
from zhiban.demo.loader import LoadResult, load_demo
from zhiban.demo.plan import DemoPlan
from zhiban.demo.tests.conftest import DEMO_NOW
from zhiban.leave.models import LeaveRequest, Substitution
from zhiban.org.models import Unit
from zhiban.roster import selectors as roster_selectors
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import RosterPeriod
from zhiban.swaps.models import SwapRequest

pytestmark = pytest.mark.django_db


def _summary(result: LoadResult, prefix: str) -> str:
    return next(note for note in result.hook_notes if note.startswith(prefix))


def test_every_organisation_has_this_months_roster_on_the_board(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, result = loaded_demo
    sysadmin = User.objects.get(username="sysadmin")
    with time_machine.travel(DEMO_NOW, tick=False):
        for organisation in plan.organisations:
            unit = Unit.objects.get(parent=None, name=organisation.name)
            periods = RosterPeriod.objects.filter(unit__path__startswith=unit.path)
            this_month = periods.filter(start="2026-11-01", end="2026-11-30")
            assert this_month.exists(), organisation.name
            assert all(p.status == RosterPeriod.Status.PUBLISHED for p in this_month)
            next_month = periods.filter(start="2026-12-01", end="2026-12-31")
            assert all(p.status == RosterPeriod.Status.DRAFT and p.published_version is None for p in next_month)
            assert all(roster_selectors.draft_of(p) is not None for p in next_month)
            units = roster_selectors.board_units(user=sysadmin).filter(path__startswith=unit.path)
            board = roster_selectors.board(units=units)
            assert {entry.unit.pk for entry in board} == {p.unit_id for p in this_month}, organisation.name
            assert all(entry.today and entry.tomorrow for entry in board), organisation.name
    for period in RosterPeriod.objects.all():  # one fair draft each; a run out of time was retried longer
        runs = list(period.generation_runs.order_by("pk"))
        assert runs[-1].status == GenerationRun.Status.DONE
        assert runs[-1].refused == []
        assert all(run.error == "no roster was found in the time given" for run in runs[:-1])
    assert _summary(result, "rosters:") == "rosters: 11 published this month, 11 drafts next month"


def test_requests_wait_in_the_named_approvers_inboxes(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    _, result = loaded_demo
    leaves = Counter(LeaveRequest.objects.values_list("status", flat=True))
    assert leaves == {"pending": 1, "approved": 1, "rejected": 1}
    covered = LeaveRequest.objects.get(status="approved")
    cover = covered.covers.get()
    assert cover.version is not None
    assert cover.version.number == 2
    assert Substitution.objects.filter(status="pending").count() == 1
    assert SwapRequest.objects.filter(status=SwapRequest.Status.ACCEPTED).count() == 1
    assert SwapRequest.objects.filter(status=SwapRequest.Status.OPEN, colleague=None).count() == 1
    note = _summary(result, "requests:")
    assert "not filed" not in note
    waiting = note.split("in the inbox of ")[1].split("; ")[0].split(", ")
    assert len(waiting) == 2
    for username in waiting:
        assert approval_selectors.inbox(User.objects.get(username=username)), (username, note)


def test_a_second_run_records_nothing_and_the_audit_chain_holds(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    events = AuditEvent.objects.count()
    with time_machine.travel(DEMO_NOW, tick=True):
        again = load_demo(plan)
    assert again.nothing_created, again.created
    assert AuditEvent.objects.count() == events
    assert audit.verify_chain().ok
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["roster.period.publish"] == 11
    assert actions["roster.draft.fill"] == 22
