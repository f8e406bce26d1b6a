"""The leave pages and API lists run a fixed number of queries, however many requests they show
(2 requests vs 20: same count) — for the person and for the approver they wait on; filing leave and deciding its
approval step cost the same in a small and a large organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiban.accounts.tests.clients import client_for
from zhiban.approvals import services as approvals
from zhiban.approvals.steps import StepSpec
from zhiban.core import clock, operations
from zhiban.leave import services
from zhiban.leave.models import LeaveCover, LeaveRequest, RestRequest, Substitution
from zhiban.org.models import Role
from zhiban.roster.tests.sized import bureau_organisation

from .conftest import DAY, local
from .test_api_and_views import bearer

TRANSACTION = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")
LEAVE_FILE_MAX = 29  # measured inside an operation (31 before issue 11: the roles and the policy read twice)
PAGES = ("/leave/",)
API = ("/api/v1/leave/requests", "/api/v1/leave/substitutions", "/api/v1/leave/rest-requests")


def _chain(tree: dict[str, Any], subject_type: str, subject_id: int) -> None:
    head = StepSpec(1, Role.DEPARTMENT_HEAD, tree["dept_a"], "LEAVE-03", "处室负责人审批", "the head approves")
    approvals.chain_start(
        subject_type=subject_type,
        subject_id=subject_id,
        organisation=tree["org"],
        steps=[head],
        parties=[tree["staff_a"]],
        wait_hours=24,
    )


def make_requests(tree: dict[str, Any], period: Any, colleague: Any, count: int) -> None:
    """`count` leave requests (each with a cover and its chain), substitutions and rest requests of staff_a."""
    staff, now = tree["staff_a"], clock.now()
    for index in range(count):
        start = local(2027, 1, 1, 8) + dt.timedelta(days=index)
        leave = LeaveRequest.objects.create(
            person=staff,
            organisation=tree["org"],
            unit=staff.unit,
            kind="personal",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=8),
            calendar_days=1,
            working_days=Decimal("1"),
            reason=f"事{index}",
            filed_by=staff.user,
            filed_at=now,
        )
        LeaveCover.objects.create(
            leave=leave,
            period=period,
            day=DAY,
            shift_type=tree["duty"],
            post="duty_officer",
            substitute=colleague,
            chosen_by=staff.user,
            chosen_at=now,
        )
        _chain(tree, "leave", leave.pk)
        substitution = Substitution.objects.create(
            person=staff,
            substitute=colleague,
            organisation=tree["org"],
            period=period,
            day=DAY,
            shift_type=tree["duty"],
            post="duty_officer",
            duty_starts_at=local(2026, 12, 7, 8),
            reason="出差",
            filed_by=staff.user,
            filed_at=now,
        )
        _chain(tree, "substitution", substitution.pk)
        rest = RestRequest.objects.create(
            person=staff,
            organisation=tree["org"],
            day=dt.date(2027, 2, 1) + dt.timedelta(days=index),
            days=Decimal("1"),
            filed_by=staff.user,
            filed_at=now,
        )
        _chain(tree, "rest", rest.pk)


def queries(client: Client, path: str, headers: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, path
    return len(captured)


def counts(tree: dict[str, Any]) -> dict[tuple[str, str], int]:
    result = {}
    for who in ("staff_a", "head_a"):
        client = client_for(tree[who])
        headers = bearer(tree[who])
        for path in PAGES:
            result[(who, path)] = queries(client, path)
        for path in API:
            result[(who, path)] = queries(Client(), path, headers)
    return result


@pytest.mark.parametrize("many", [20])
def test_leave_lists_do_not_grow_queries_with_the_number_of_requests(
    roster_org: dict, published: Any, colleague: Any, many: int
) -> None:
    make_requests(roster_org, published, colleague, 2)
    few = counts(roster_org)
    make_requests(roster_org, published, colleague, many - 2)
    assert LeaveRequest.objects.count() == many
    more = counts(roster_org)
    assert more == few
    response = Client().get("/api/v1/leave/requests", headers=bearer(roster_org["head_a"]))
    rows = response.json()
    assert len(rows) == many
    assert all(row["steps"][0]["role"] == "department_head" for row in rows)
    assert all(row["covers"][0]["substitute_name"] == "colleague" for row in rows)
    page = client_for(roster_org["head_a"]).get("/leave/").content.decode()
    assert page.count("处室负责人审批") == 3 * many  # everything waiting on the head, listed


# ── the cost of filing and deciding does not grow with the organisation ──────────────────────────────────────────


def _statements(fn: Any) -> int:
    """The statements `fn` runs inside one operation (as a request would), the transaction's own left out."""
    with operations.operation(), CaptureQueriesContext(connection) as captured:
        fn()
    return sum(not q["sql"].startswith(TRANSACTION) for q in captured.captured_queries)


def test_filing_leave_and_deciding_its_step_cost_the_same_in_a_small_and_a_large_organisation(
    db: None, travel: Any
) -> None:
    """5 people and 5 days of published duties, or 50 people and 25 days: the same queries."""
    counts = {}
    for prefix, staff, days in (("small", 5, 5), ("large", 50, 25)):
        tree = bureau_organisation(prefix, staff=staff, days=days)
        person = tree["staff"][0]  # on duty on the 7th in both
        filed: list[LeaveRequest] = []

        def file(person: Any = person, filed: list[LeaveRequest] = filed) -> None:
            start = local(2026, 12, 7, 8)
            filed.append(
                services.leave_file(
                    actor=person.user,
                    person=person,
                    kind="personal",
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=15),
                    reason="家中有事",
                )
            )

        def decide(head: Any = tree["head"], filed: list[LeaveRequest] = filed) -> None:
            with transaction.atomic():
                approvals.step_decide(actor=head.user, subject_type="leave", subject_id=filed[0].pk, approve=True)

        counts[prefix] = (_statements(file), _statements(decide))
    assert counts["large"] == counts["small"], counts
    assert counts["small"][0] <= LEAVE_FILE_MAX, counts
