"""State machine over requests (issue 4, "Correctness under load"): random sequences of leave (filing, cover,
approvals and rejections by the right approver and refusals of the wrong one, withdrawal, 消假) in a
`maintenance` organisation and a `service-center` one, and swaps (asking, accepting, team-lead approvals
and rejections, withdrawals) in the service centre, with the clock moving on.

After every step: nobody holds two duties at once; every cell of every current published version passes
the edit checks (`check_cell`, one post per shift); every successful service call left exactly its audit
events (one, plus one per roster version it published) and a refused one left nothing at all; every open
return debt is visible to both sides and a team lead; approval chains agree with their request's status;
an approved leave has its person off every duty in it and each cover's substitute on.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from zhiban.accounts.models import User
from zhiban.approvals import selectors as approval_selectors
from zhiban.approvals.models import ApprovalStep
from zhiban.core import clock
from zhiban.core.models import AuditEvent
from zhiban.leave import services as leave_services
from zhiban.leave.models import LeaveCover, LeaveRequest, RequestStatus
from zhiban.org.models import Person, Role
from zhiban.org.tests.factories import JobTypeFactory, PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from zhiban.policy.services import policy_adopt
from zhiban.roster import duties as roster_duties
from zhiban.roster import services as roster_services
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion
from zhiban.swaps import selectors as swap_selectors
from zhiban.swaps import services as swap_services
from zhiban.swaps.models import SwapDebt, SwapRequest

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
FIRST, LAST = dt.date(2026, 12, 1), dt.date(2026, 12, 14)
DAYS = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
REFUSED = (ValidationError, PermissionDenied)


def _user(person: Person) -> User:
    assert person.user is not None
    return person.user


def _person(name: str, unit: Any, role: str | None = None, **fields: Any) -> Person:
    person = PersonFactory.create(name=name, unit=unit, user=UserFactory.create(username=name), **fields)
    if role:
        RoleAssignmentFactory.create(person=person, role=role, unit=unit)
    return person


def _maintenance() -> dict[str, Any]:
    """Two stations of two departments, their heads, a regional leader; a published roster for 1–14 Dec."""
    org = UnitFactory.create(name="维护公司", kind="organisation")
    dept_a = UnitFactory.create(name="维护一部", parent=org)
    dept_b = UnitFactory.create(name="维护二部", parent=org)
    station_a = UnitFactory.create(name="甲站", kind="station", parent=dept_a)
    station_b = UnitFactory.create(name="乙站", kind="station", parent=dept_b)
    policy_adopt(actor=None, organisation=org, pack_id="maintenance")
    w: dict[str, Any] = {"org": org}
    w["secretary"] = _person("m_secretary", org, Role.SECRETARIAT)
    w["regional"] = _person("m_regional", org, Role.REGIONAL_LEADER)
    w["head_a"] = _person("m_head_a", dept_a, Role.DEPARTMENT_HEAD)
    w["head_b"] = _person("m_head_b", dept_b, Role.DEPARTMENT_HEAD)
    w["chief_a"] = _person("m_chief_a", station_a, Role.STATION_HEAD)
    w["chief_b"] = _person("m_chief_b", station_b, Role.STATION_HEAD)
    w["staff"] = [
        _person("m_a1", station_a),
        _person("m_a2", station_a),
        _person("m_b1", station_b),
        _person("m_b2", station_b),
    ]
    shifts = {s.code: s for s in roster_services.roster_setup_from_pack(actor=None, organisation=org)}
    actor = w["secretary"].user
    period = roster_services.period_open(actor=actor, unit=org, start=FIRST, end=LAST)
    for i, day in enumerate(DAYS):
        shift = shifts["rest_day" if day.weekday() >= 5 else "after_hours"]
        roster_services.assignment_set(
            actor=actor, period=period, day=day, shift_type=shift, post="duty_officer", people=[w["staff"][i % 4]]
        )
    roster_services.period_publish(actor=actor, period=period)
    w["period"] = period
    return w


def _centre() -> dict[str, Any]:
    """Two teams with their leads, four operators of one grade, the CS and centre directors; early and late
    shifts of 1–14 Dec published."""
    org = UnitFactory.create(name="客服中心", kind="organisation")
    dept = UnitFactory.create(name="客服部", parent=org)
    team_a = UnitFactory.create(name="一班", kind="team", parent=dept)
    team_b = UnitFactory.create(name="二班", kind="team", parent=dept)
    policy_adopt(actor=None, organisation=org, pack_id="service-center")
    operator = JobTypeFactory.create(code="operator", name="话务员")
    w: dict[str, Any] = {"org": org}
    w["secretary"] = _person("c_secretary", org, Role.SECRETARIAT, job_type=operator, grade=3)
    w["director"] = _person("c_director", org, Role.CENTRE_DIRECTOR, job_type=operator, grade=3)
    w["cs_director"] = _person("c_cs_director", dept, Role.CS_DIRECTOR, job_type=operator, grade=3)
    w["lead_a"] = _person("c_lead_a", team_a, Role.TEAM_LEAD, job_type=operator, grade=3)
    w["lead_b"] = _person("c_lead_b", team_b, Role.TEAM_LEAD, job_type=operator, grade=3)
    w["staff"] = [
        _person("c_a1", team_a, job_type=operator, grade=2),
        _person("c_b1", team_b, job_type=operator, grade=2),
        _person("c_a2", team_a, job_type=operator, grade=2),
        _person("c_b2", team_b, job_type=operator, grade=2),
    ]
    shifts = {s.code: s for s in roster_services.roster_setup_from_pack(actor=None, organisation=org)}
    actor = w["secretary"].user
    period = roster_services.period_open(actor=actor, unit=org, start=FIRST, end=LAST)
    for i, day in enumerate(DAYS):
        for code, offset in (("early", 0), ("late", 2)):
            roster_services.assignment_set(
                actor=actor,
                period=period,
                day=day,
                shift_type=shifts[code],
                post="duty_officer",
                people=[w["staff"][(i + offset) % 4]],
            )
    roster_services.period_publish(actor=actor, period=period)
    w["period"] = period
    return w


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    with time_machine.travel(START, tick=False):
        maintenance, centre = _maintenance(), _centre()
    everyone = list(Person.objects.filter(user__isnull=False).select_related("user", "unit").order_by("pk"))
    return {"maintenance": maintenance, "centre": centre, "everyone": everyone}


def _snapshot() -> tuple[Any, ...]:
    """What a refused call must leave exactly as it was."""
    return (
        sorted(LeaveRequest.objects.values_list("pk", "status", "returned_at")),
        sorted(LeaveCover.objects.values_list("pk", "substitute_id", "version_id")),
        sorted(ApprovalStep.objects.values_list("pk", "status")),
        sorted(SwapRequest.objects.values_list("pk", "status", "colleague_id")),
        SwapDebt.objects.count(),
        RosterVersion.objects.count(),
        AuditEvent.objects.count(),
    )


class Requests(RuleBasedStateMachine):
    world: dict[str, Any]
    totals: Counter[str] = Counter()  # successful and refused calls over the whole run
    reasons: Counter[str] = Counter()  # why calls were refused

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._traveller = time_machine.travel(START, tick=False)
        self._clock = self._traveller.start()
        self.audit_expected = AuditEvent.objects.count()
        self.calls: Counter[str] = Counter()
        self._checked_versions: frozenset[int | None] = frozenset()

    def teardown(self) -> None:
        Requests.totals.update(self.calls)
        self._traveller.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ── the bookkeeping of one service call ──────────────────────────────────

    def _call(self, name: str, action: Callable[[], Any], *, must_refuse: bool = False) -> Any:
        before = _snapshot()
        versions = RosterVersion.objects.count()
        try:
            result = action()
        except REFUSED as error:
            Requests.reasons[f"{name}: {str(error)[:90]}"] += 1
            after = _snapshot()
            assert after == before, f"{name} was refused but changed {before} -> {after}"
            self.calls[f"{name}:refused"] += 1
            return None
        assert not must_refuse, f"{name} should have been refused"
        published = RosterVersion.objects.count() - versions
        self.audit_expected += 1 + published
        self.calls[name] += 1
        if published:
            self.calls[f"{name}:roster moved"] += 1
        return result

    def _draw(self, data: st.DataObject, rows: list[Any], label: str) -> Any:
        return data.draw(st.sampled_from(rows), label=label) if rows else None

    # ── leave ────────────────────────────────────────────────────────────────

    @rule(
        data=st.data(),
        org=st.sampled_from(["maintenance", "centre"]),
        kind=st.sampled_from(["personal", "annual", "sick"]),
        first=st.integers(0, len(DAYS) - 2),
        half_days=st.integers(1, 6),
        start_hour=st.sampled_from([0, 8, 12]),
    )
    def file_leave(self, data: st.DataObject, org: str, kind: str, first: int, half_days: int, start_hour: int) -> None:
        person = self._draw(data, self.world[org]["staff"], "person")
        starts_at = dt.datetime.combine(DAYS[first], dt.time(start_hour), tzinfo=TZ)
        ends_at = starts_at + dt.timedelta(hours=12 * half_days)
        self._call(
            "leave_file",
            lambda: leave_services.leave_file(
                actor=person.user,
                person=person,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                reason="家中有事",
                warning_reason="确需请假",
            ),
        )

    def _pending_leave(self) -> list[LeaveRequest]:
        return list(
            LeaveRequest.objects.filter(status=RequestStatus.PENDING).select_related("person__user").order_by("pk")
        )

    @rule(data=st.data())
    @precondition(lambda self: LeaveRequest.objects.filter(status=RequestStatus.PENDING).exists())
    def choose_cover(self, data: st.DataObject) -> None:
        leave = self._draw(data, self._pending_leave(), "leave")
        if leave is None:
            return
        for duty in leave_services.current_duties(leave):
            candidates = leave_services.cover_candidates(leave, duty)
            if not candidates:
                continue
            pick = data.draw(st.integers(0, min(2, len(candidates) - 1)), label="candidate")
            self._call("cover_choose", self._cover(leave, duty, candidates[pick].person))

    @staticmethod
    def _cover(leave: LeaveRequest, duty: roster_duties.Duty, substitute: Person) -> Callable[[], Any]:
        return lambda: leave_services.cover_choose(
            actor=_user(leave.person),
            leave=leave,
            period=duty.period,
            day=duty.day,
            shift_type=duty.shift_type,
            post=duty.post,
            substitute=substitute,
        )

    def _deciders(self, subject_type: str, subject_id: int) -> list[Person]:
        people = []
        for step in approval_selectors.current_steps(subject_type, subject_id):
            people += [p for p in approval_selectors.approvers(step) if isinstance(p, Person)]
        return sorted({p.pk: p for p in people}.values(), key=lambda p: p.pk)

    @rule(data=st.data(), approve=st.booleans())
    @precondition(lambda self: LeaveRequest.objects.filter(status=RequestStatus.PENDING).exists())
    def decide_leave(self, data: st.DataObject, approve: bool) -> None:
        leave = self._draw(data, self._pending_leave(), "leave")
        if leave is None:
            return
        deciders = [p for p in self._deciders("leave", leave.pk) if p.pk != leave.person_id]
        approver = self._draw(data, deciders, "approver")
        if approver is None:
            return
        self._call(
            "leave_decide",
            lambda: leave_services.leave_decide(
                actor=approver.user, leave=leave, approve=approve, comment="" if approve else "人手不足"
            ),
        )

    @rule(data=st.data(), approve=st.booleans())
    @precondition(lambda self: LeaveRequest.objects.filter(status=RequestStatus.PENDING).exists())
    def wrong_approver_is_refused(self, data: st.DataObject, approve: bool) -> None:
        leave = self._draw(data, self._pending_leave(), "leave")
        if leave is None:
            return
        deciders = {p.pk for p in self._deciders("leave", leave.pk)}
        others = [p for p in self.world["everyone"] if p.pk not in deciders or p.pk == leave.person_id]
        someone = self._draw(data, others, "someone")
        self._call(
            "leave_decide(wrong)",
            lambda: leave_services.leave_decide(actor=someone.user, leave=leave, approve=approve, comment="不行"),
            must_refuse=True,
        )

    @rule(data=st.data())
    @precondition(lambda self: LeaveRequest.objects.filter(status=RequestStatus.PENDING).exists())
    def cancel_leave(self, data: st.DataObject) -> None:
        leave = self._draw(data, self._pending_leave(), "leave")
        if leave is not None:
            self._call("leave_cancel", lambda: leave_services.leave_cancel(actor=leave.person.user, leave=leave))

    @rule(data=st.data())
    @precondition(lambda self: LeaveRequest.objects.filter(status=RequestStatus.APPROVED).exists())
    def return_from_leave(self, data: st.DataObject) -> None:
        now = clock.now()
        approved = list(
            LeaveRequest.objects.filter(status=RequestStatus.APPROVED, starts_at__lte=now)
            .select_related("person__user")
            .order_by("pk")
        )
        leave = self._draw(data, approved, "leave")
        if leave is not None:
            back = min(now, leave.ends_at)
            self._call(
                "leave_return",
                lambda: leave_services.leave_return(actor=leave.person.user, leave=leave, returned_at=back),
            )

    @rule(hours=st.sampled_from([6, 24, 72]))
    def time_passes(self, hours: int) -> None:
        if clock.now() < dt.datetime.combine(LAST, dt.time(0), tzinfo=TZ):
            self._clock.shift(dt.timedelta(hours=hours))

    # ── swaps (service centre) ───────────────────────────────────────────────

    @rule(data=st.data(), named=st.booleans(), with_return=st.booleans())
    def ask_swap(self, data: st.DataObject, named: bool, with_return: bool) -> None:
        staff = self.world["centre"]["staff"]
        requester = self._draw(data, staff, "requester")
        mine = swap_selectors.my_duties(requester, days=30)
        duty = self._draw(data, mine, "duty")
        if duty is None:
            return
        colleague = self._draw(data, [p for p in staff if p.pk != requester.pk], "colleague") if named else None
        back = ""
        if colleague is not None and with_return:
            theirs = self._draw(data, swap_selectors.my_duties(colleague, days=30), "return")
            back = swap_selectors.duty_token(theirs) if theirs is not None else ""
        self._call(
            "swap_request",
            lambda: swap_services.swap_request(
                actor=requester.user,
                duty=swap_selectors.duty_token(duty),
                colleague=colleague,
                return_duty=back,
                reason="家里有事",
            ),
        )

    @rule(data=st.data())
    def swap_all_the_way(self, data: st.DataObject) -> None:
        """Ask a named colleague, who accepts, and every team lead approves: the path to a done swap."""
        staff = self.world["centre"]["staff"]
        requester = self._draw(data, staff, "requester")
        duty = self._draw(data, swap_selectors.my_duties(requester, days=30), "duty")
        if duty is None:
            return
        colleague = self._draw(data, [p for p in staff if p.pk != requester.pk], "colleague")
        swap = self._call(
            "swap_request",
            lambda: swap_services.swap_request(
                actor=requester.user, duty=swap_selectors.duty_token(duty), colleague=colleague
            ),
        )
        if (
            swap is None
            or self._call("swap_accept", lambda: swap_services.swap_accept(actor=colleague.user, swap=swap)) is None
        ):
            return
        for lead in self._deciders("swap", swap.pk):
            if SwapRequest.objects.get(pk=swap.pk).status == SwapRequest.Status.ACCEPTED:
                self._call("swap_decide", self._approve_swap(lead, swap))

    @staticmethod
    def _approve_swap(lead: Person, swap: SwapRequest) -> Callable[[], Any]:
        return lambda: swap_services.swap_decide(actor=_user(lead), swap=swap, approve=True)

    def _swaps(self, *statuses: str) -> list[SwapRequest]:
        return list(
            SwapRequest.objects.filter(status__in=statuses)
            .select_related("requester__user", "colleague__user")
            .order_by("pk")
        )

    @rule(data=st.data())
    @precondition(lambda self: SwapRequest.objects.filter(status=SwapRequest.Status.OPEN).exists())
    def accept_swap(self, data: st.DataObject) -> None:
        swap = self._draw(data, self._swaps(SwapRequest.Status.OPEN), "swap")
        if swap is None:
            return
        if swap.colleague is not None:
            taker = swap.colleague
        else:
            taker = self._draw(data, [p for p in self.world["centre"]["staff"] if p.pk != swap.requester_id], "taker")
        self._call("swap_accept", lambda: swap_services.swap_accept(actor=taker.user, swap=swap))

    @rule(data=st.data(), approve=st.booleans())
    @precondition(lambda self: SwapRequest.objects.filter(status=SwapRequest.Status.ACCEPTED).exists())
    def decide_swap(self, data: st.DataObject, approve: bool) -> None:
        swap = self._draw(data, self._swaps(SwapRequest.Status.ACCEPTED), "swap")
        if swap is None:
            return
        lead = self._draw(data, self._deciders("swap", swap.pk), "lead")
        if lead is None:
            return
        self._call(
            "swap_decide",
            lambda: swap_services.swap_decide(
                actor=lead.user, swap=swap, approve=approve, comment="" if approve else "交接不清"
            ),
        )

    @rule(data=st.data())
    @precondition(lambda self: SwapRequest.objects.filter(status=SwapRequest.Status.ACCEPTED).exists())
    def wrong_lead_is_refused(self, data: st.DataObject) -> None:
        swap = self._draw(data, self._swaps(SwapRequest.Status.ACCEPTED), "swap")
        if swap is None:
            return
        deciders = {p.pk for p in self._deciders("swap", swap.pk)}
        someone = self._draw(data, [p for p in self.world["everyone"] if p.pk not in deciders], "someone")
        self._call(
            "swap_decide(wrong)",
            lambda: swap_services.swap_decide(actor=someone.user, swap=swap, approve=True),
            must_refuse=True,
        )

    @rule(data=st.data())
    @precondition(lambda self: SwapRequest.objects.filter(status__in=SwapRequest.PENDING).exists())
    def withdraw_swap(self, data: st.DataObject) -> None:
        swap = self._draw(data, self._swaps(*SwapRequest.PENDING), "swap")
        if swap is not None:
            self._call("swap_withdraw", lambda: swap_services.swap_withdraw(actor=swap.requester.user, swap=swap))

    # ── invariants ───────────────────────────────────────────────────────────

    def _roster_changed(self) -> bool:
        """Whether the published versions changed since the roster invariants last looked (they only
        depend on those)."""
        versions = frozenset(RosterPeriod.objects.values_list("published_version_id", flat=True))
        changed = versions != self._checked_versions
        self._checked_versions = versions
        return changed

    @invariant()
    def roster_is_consistent(self) -> None:
        if self._roster_changed():
            self.nobody_holds_two_duties_at_once()
            self.every_published_cell_passes_the_edit_checks()

    def nobody_holds_two_duties_at_once(self) -> None:
        current = Assignment.objects.filter(version__period__published_version=F("version"))
        seen = Counter(current.values_list("person_id", "date", "shift_type_id"))
        assert not [key for key, n in seen.items() if n > 1], "someone is twice on one shift"
        for person in self.world["everyone"]:
            duties = roster_duties.duties_of(person, FIRST, LAST)
            for earlier, later in itertools.pairwise(duties):
                assert earlier.ends_at <= later.starts_at, f"{person.name}: {earlier.label} overlaps {later.label}"

    def every_published_cell_passes_the_edit_checks(self) -> None:
        for period in RosterPeriod.objects.filter(published_version__isnull=False).select_related(
            "unit", "published_version"
        ):
            version = period.published_version
            assert version is not None
            cells: dict[tuple[Any, ...], list[Person]] = {}
            rows = Assignment.objects.filter(version=version).select_related("person__unit", "shift_type")
            for a in rows:
                cells.setdefault((a.date, a.shift_type, a.post), []).append(a.person)
            for (day, shift_type, post), people in cells.items():
                roster_services.check_cell(period, day, shift_type, post, people)
                roster_services.check_one_post(version, day, shift_type, post, people)

    @invariant()
    def every_change_has_its_audit_event(self) -> None:
        assert AuditEvent.objects.count() == self.audit_expected, self.calls

    @invariant()
    def every_open_debt_is_visible(self) -> None:
        for debt in SwapDebt.objects.filter(status=SwapDebt.Status.OPEN).select_related(
            "returner__user", "creditor__user"
        ):
            for person in (debt.returner, debt.creditor, self.world["centre"]["lead_a"]):
                assert swap_selectors.debt_list(user=person.user).filter(pk=debt.pk).exists(), (person.name, debt)

    @invariant()
    def chains_agree_with_their_requests(self) -> None:
        for leave in LeaveRequest.objects.all():
            statuses = [s.status for s in approval_selectors.steps_of("leave", leave.pk)]
            assert statuses, f"{leave} has no chain"
            if leave.status in (RequestStatus.APPROVED, RequestStatus.RETURNED):
                assert set(statuses) == {"approved"}, (leave.status, statuses)
            elif leave.status == RequestStatus.PENDING:
                assert "pending" in statuses, statuses
                assert "rejected" not in statuses, statuses
            else:
                assert "pending" not in statuses, (leave.status, statuses)
            if leave.status == RequestStatus.REJECTED and leave.absence_recorded_at is None:
                assert "rejected" in statuses, statuses
        for swap in SwapRequest.objects.all():
            statuses = [s.status for s in approval_selectors.steps_of("swap", swap.pk)]
            if swap.status == SwapRequest.Status.OPEN:
                assert statuses == [], statuses
            elif swap.status == SwapRequest.Status.ACCEPTED:
                assert "pending" in statuses, statuses
                assert "rejected" not in statuses, statuses
            elif swap.status == SwapRequest.Status.DONE:
                assert set(statuses) == {"approved"}, statuses
            else:
                assert "pending" not in statuses, (swap.status, statuses)

    @invariant()
    def approved_leave_is_covered(self) -> None:
        for leave in LeaveRequest.objects.filter(status=RequestStatus.APPROVED).select_related("person"):
            hit = leave_services.current_duties(leave)
            assert hit == [], f"{leave} is approved but {leave.person.name} still holds {[d.label for d in hit]}"
            for cover in leave.covers.select_related("substitute", "period", "shift_type"):
                held = roster_duties.duty_of(cover.period, cover.day, cover.shift_type, cover.post, cover.substitute)
                moved_on = SwapRequest.objects.filter(
                    status=SwapRequest.Status.DONE, requester=cover.substitute, day=cover.day
                ).exists()
                assert held is not None or moved_on, f"{cover} is not on the roster"


def _run(world: dict[str, Any], examples: int) -> Counter[str]:
    Requests.world = world
    Requests.totals = Counter()
    run_state_machine_as_test(
        Requests,
        settings=settings(
            max_examples=examples,
            stateful_step_count=int(os.environ.get("SM_STEPS", "20")),
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    return Requests.totals


def test_requests_state_machine_keeps_the_roster_and_the_records_consistent(world: dict[str, Any]) -> None:
    totals = _run(world, examples=int(os.environ.get("SM_EXAMPLES", "4")))
    print(dict(sorted(totals.items())))
    print("\n".join(f"{n} {r}" for r, n in Requests.reasons.most_common(25)))
    assert not LeaveRequest.objects.exists()  # every example rolled back
    for reached in ("leave_file", "leave_decide", "swap_request", "swap_accept", "swap_decide"):
        assert totals[reached], totals
