"""Queries of the roster writes, pinned (issue 11, one resolved policy per operation): one cell edit in a request
costs at most 8 queries, whether the service is called inside an operation as a request would call it or through
the cell editor's page; `draft_fill` of 300 cells costs what 30 cost; the policy is read once per operation, and a
version adopted meanwhile applies to the next operation, never to one half-done.

Counted: the statements that read or write rows. The transaction's own statements (BEGIN, SAVEPOINT, RELEASE,
COMMIT) are not: their number follows from how the transactions nest, not from the work done.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiban.accounts.tests.clients import verified_client
from zhiban.core import operations
from zhiban.core.models import AuditEvent
from zhiban.org.models import Person, PersonKind, Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import Policy
from zhiban.policy.services import policy_parameter_override
from zhiban.roster import selectors, services
from zhiban.roster.models import Assignment, RosterPeriod, ShiftType

pytestmark = pytest.mark.django_db

CELL_EDIT_MAX = 8
TRANSACTION = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")
DEC_3 = dt.date(2026, 12, 3)


class Counted:
    """The statements run inside the block, those of the transaction left out."""

    def __init__(self, captured: CaptureQueriesContext) -> None:
        self.captured = captured

    @property
    def statements(self) -> list[str]:
        return [q["sql"] for q in self.captured.captured_queries if not q["sql"].lstrip().startswith(TRANSACTION)]

    def __len__(self) -> int:
        return len(self.statements)

    def touching(self, table: str) -> int:
        return sum(f'"{table}"' in sql for sql in self.statements)

    def __repr__(self) -> str:
        return "\n".join(sql[:200] for sql in self.statements)


@contextmanager
def counted() -> Iterator[Counted]:
    with CaptureQueriesContext(connection) as captured:
        yield Counted(captured)


def _as_the_cell_editor_would(user: Any, period: RosterPeriod) -> RosterPeriod:
    """What the cell editor's view reads before it calls the service: the period in the user's scope, and
    whether the user schedules its unit."""
    found = selectors.period_get(user=user, public_id=period.public_id)
    assert selectors.can_schedule(user, found.unit)
    return found


def test_one_cell_edit_in_an_operation_costs_at_most_8_queries(roster_org: dict[str, Any], period: Any) -> None:
    secretary, duty = roster_org["secretary"].user, roster_org["duty"]
    services.assignment_set(
        actor=secretary,
        period=period,
        day=dt.date(2026, 12, 10),
        shift_type=duty,
        post="duty_officer",
        people=[roster_org["head_a"]],
    )  # the draft exists: this is an edit of it
    with operations.operation():
        found = _as_the_cell_editor_would(secretary, period)
        with counted() as edit:
            services.cell_change(
                actor=secretary,
                period=found,
                day=DEC_3,
                shift_type=duty,
                post="duty_officer",
                people=[roster_org["staff_a"]],
            )
    assert len(edit) <= CELL_EDIT_MAX, edit
    assert edit.touching("policy_policyversion") == 1  # the policy, once
    assert edit.touching("calendar_calendarday") == 1
    assert Assignment.objects.filter(date=DEC_3, person=roster_org["staff_a"]).exists()


def test_replacing_a_cell_with_a_neighbouring_duty_reads_the_season_dates_once_more(
    roster_org: dict[str, Any], period: Any
) -> None:
    """Replacing who fills a cell deletes the old rows (one statement); a person with another duty within two days
    has the rest between them measured (ROS-01 min_rest), on the shift windows of the season dates (one more)."""
    secretary, duty = roster_org["secretary"].user, roster_org["duty"]
    for day, person in ((DEC_3, roster_org["head_a"]), (dt.date(2026, 12, 2), roster_org["staff_a"])):
        services.assignment_set(
            actor=secretary, period=period, day=day, shift_type=duty, post="duty_officer", people=[person]
        )
    with operations.operation():
        found = _as_the_cell_editor_would(secretary, period)
        with counted() as edit:
            services.cell_change(
                actor=secretary,
                period=found,
                day=DEC_3,
                shift_type=duty,
                post="duty_officer",
                people=[roster_org["staff_a"]],
            )
    assert len(edit) <= CELL_EDIT_MAX + 2, edit
    assert edit.touching("calendar_seasonsetting") == 1


def test_the_cell_editor_page_spends_at_most_8_queries_in_the_service_and_reads_the_policy_once(
    roster_org: dict[str, Any], period: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    secretary, duty = roster_org["secretary"], roster_org["duty"]
    services.assignment_set(
        actor=secretary.user,
        period=period,
        day=dt.date(2026, 12, 10),
        shift_type=duty,
        post="duty_officer",
        people=[roster_org["head_a"]],
    )
    in_service: list[Counted] = []
    change: Callable[..., Any] = services.cell_change

    def measured(**kwargs: Any) -> Any:
        with counted() as queries:
            result = change(**kwargs)
        in_service.append(queries)
        return result

    monkeypatch.setattr(services, "cell_change", measured)
    client = verified_client(secretary.user)
    url = f"/roster/{period.public_id}/cell/"
    args = {"date": DEC_3.isoformat(), "shift": duty.public_id, "post": "duty_officer"}
    with counted() as request:
        response = client.post(url, {**args, "people": [roster_org["staff_a"].public_id]})
    assert response.status_code == 302
    assert response["Location"] == f"/roster/{period.public_id}/"
    (service,) = in_service
    assert len(service) <= CELL_EDIT_MAX, service
    assert request.touching("policy_policyversion") == 1  # one request, one operation: the policy once
    assert request.touching("org_roleassignment") == 1  # the user's roles once: scope, scheduling, the service


def _shifts(roster_org: dict[str, Any], count: int) -> list[ShiftType]:
    """The organisation's duty shift and copies of it, so a month holds more than 300 cells."""
    duty = roster_org["duty"]
    shifts = [duty]
    for number in range(2, count + 1):
        copy = ShiftType.objects.get(pk=duty.pk)
        copy.pk, copy.public_id, copy.code, copy.name = None, f"sht_copy{number}", f"duty{number}", f"值班{number}"
        copy.sort_order = number
        copy.save()
        shifts.append(copy)
    return shifts


def _cells(roster_org: dict[str, Any], shifts: list[ShiftType], staff: list[Person], count: int) -> list[Any]:
    cells: list[Any] = []
    day = dt.date(2026, 12, 1)
    while len(cells) < count:
        for shift in shifts:
            cells += [
                (day, shift, "duty_leader", [roster_org["leader"]]),
                (day, shift, "duty_officer", [staff[len(cells) % len(staff)]]),
                (day, shift, "standby_driver", [roster_org["driver"]]),
            ]
        day += dt.timedelta(days=1)
    return cells[:count]


def test_draft_fill_of_300_cells_costs_what_30_cost(roster_org: dict[str, Any], period: Any) -> None:
    staff = [PersonFactory.create(unit=roster_org["station_a"], kind=PersonKind.STAFF) for _ in range(12)]
    shifts = _shifts(roster_org, 4)
    secretary = roster_org["secretary"].user
    counts = {}
    for size in (30, 300):
        cells = _cells(roster_org, shifts, staff, size)
        services.draft_fill(actor=secretary, period=period, cells=cells, whole=True)  # the same draft, filled before
        with counted() as fill:
            done = services.draft_fill(actor=secretary, period=period, cells=cells, whole=True)
        assert done.written == size
        assert Assignment.objects.filter(version=done.draft).count() == size
        counts[size] = len(fill)
    assert counts[300] == counts[30], counts
    assert AuditEvent.objects.filter(action="roster.draft.fill").count() == 4  # one event a fill


def test_draft_fill_reports_each_refused_cell_as_data_and_writes_the_rest(
    roster_org: dict[str, Any], period: Any
) -> None:
    duty = roster_org["duty"]
    cells = [
        (dt.date(2026, 12, 4), duty, "duty_officer", [roster_org["staff_b"]]),
        (dt.date(2026, 12, 5), duty, "duty_officer", [roster_org["guard"]]),  # ORG-03
        (dt.date(2026, 12, 5), duty, "duty_leader", [roster_org["staff_a"]]),  # ROS-01: not a leader
        (dt.date(2026, 12, 6), duty, "duty_leader", [roster_org["leader"]]),
        (dt.date(2026, 12, 6), duty, "duty_officer", [roster_org["leader"]]),  # ROS-01: two posts of one shift
    ]
    done = services.draft_fill(actor=None, period=period, cells=cells, keep_going=True)
    assert done.written == 2
    assert [(r.index, r.rules, [x.code for x in r.refusals]) for r in done.refused] == [
        (2, ["ORG-03"], ["ORG-03.outsider_never_on_duty"]),
        (3, ["ROS-01"], ["ROS-01.qualification"]),
        (4, ["ROS-01"], ["ROS-01.one_post"]),
    ]
    assert "guard" in done.refused[0].line()
    assert "ORG-03" in done.refused[0].line()
    rows = set(Assignment.objects.values_list("date", "post", "person__name"))
    # of the leader's two posts of one shift, the first given is left out (as the all-or-nothing fill names it)
    assert rows == {(dt.date(2026, 12, 4), "duty_officer", "staff_b"), (dt.date(2026, 12, 6), "duty_officer", "leader")}


def test_a_version_adopted_meanwhile_applies_to_the_next_operation_never_to_the_one_half_done(
    roster_org: dict[str, Any], period: Any
) -> None:
    """Another process (here: code run outside this operation) lets guards stand duty (ORG-03) while an operation
    is under way: that operation still refuses the guard, under the version it read first; the next one accepts."""
    secretary, duty, guard = roster_org["secretary"].user, roster_org["duty"], roster_org["guard"]
    policy = Policy.objects.get(unit=roster_org["org"])

    def edit(day: dt.date) -> None:
        services.assignment_set(
            actor=secretary, period=period, day=day, shift_type=duty, post="duty_officer", people=[guard]
        )

    with operations.operation():
        with pytest.raises(RuleViolationError) as before:
            edit(DEC_3)
        contextvars.Context().run(
            policy_parameter_override,
            actor=None,
            policy=policy,
            rule_id="ORG-03",
            parameter="allowed_person_kinds",
            value=["staff", "guard"],
        )
        with pytest.raises(RuleViolationError) as still:
            edit(dt.date(2026, 12, 4))
    assert before.value.codes == still.value.codes == ["ORG-03.outsider_never_on_duty"]
    assert before.value.findings[0].citation.policy_version == still.value.findings[0].citation.policy_version == 1
    with operations.operation():
        edit(dt.date(2026, 12, 5))  # the next operation: version 2
    assert Assignment.objects.filter(person=guard).count() == 1


def test_outside_an_operation_a_service_is_one_operation_itself(roster_org: dict[str, Any], period: Any) -> None:
    """A service called from code that opened no operation (a command, a test) reads the policy once too."""
    staff = [roster_org["staff_a"], roster_org["staff_b"], roster_org["head_a"]]
    cells = [(dt.date(2026, 12, day), roster_org["duty"], "duty_officer", [staff[day % 3]]) for day in range(1, 31)]
    with counted() as fill:
        services.draft_fill(actor=None, period=period, cells=cells)
    assert fill.touching("policy_policyversion") == 1


def test_role_holders_checked_in_one_read(roster_org: dict[str, Any], period: Any) -> None:
    leaders = [PersonFactory.create(unit=roster_org["org"]) for _ in range(5)]
    for person in leaders:
        RoleAssignmentFactory.create(person=person, role=Role.DUTY_LEADER, unit=roster_org["org"])
    cells = [(dt.date(2026, 12, 1 + n), roster_org["duty"], "duty_leader", [p]) for n, p in enumerate(leaders)]
    with counted() as fill:
        services.draft_fill(actor=None, period=period, cells=cells)
    assert fill.touching("org_roleassignment") == 1
