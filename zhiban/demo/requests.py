"""Demo requests on the demo rosters: leave in several states, a substitution and swaps waiting for approval.

Everything is filed and decided through the leave and swaps services by the people themselves (or their
department head), so each step is rule-checked and audited. Duties are looked for in the published roster
from now on; an attempt the rules refuse (a swap that would make someone work back to back, …) is rolled
back and the next duty is tried. A request already present (known by its reason) is not filed again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.accounts.models import User
from zhiban.core import clock
from zhiban.demo.plan import DemoPlan
from zhiban.leave import services as leave_services
from zhiban.leave.models import LeaveRequest, Substitution
from zhiban.org.models import Person, Role, RoleAssignment, Unit
from zhiban.roster import duties as roster_duties
from zhiban.roster.models import Post
from zhiban.swaps import selectors as swap_selectors
from zhiban.swaps import services as swap_services
from zhiban.swaps.models import SwapRequest

BUREAU, SERVICE_CENTRE = "bureau", "service-center"
BUREAU_DEPARTMENT = "综合处"
SWAP_TEAM = "话务一班"
REASON_WAITING = "演示：孩子学校开家长会"
REASON_REJECTED = "演示：外出办理私事"
REASON_COVERED = "演示：家中老人住院需陪护"
REASON_SUBSTITUTION = "演示：当天需赴外地参加培训"
REASON_SWAP = "演示：当天需去医院复查"
REASON_OPEN_SWAP = "演示：家中有事，谁能替我这个班"
LEAD = dt.timedelta(hours=2)  # a duty must start at least this long from now to be asked about


@dataclass
class RequestSummary:
    """What the demo's requests look like after the run, and who has something waiting."""

    counts: Counter[str] = field(default_factory=Counter)
    waiting_on: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def note(self) -> str:
        parts = [f"{n} {what}" for what, n in self.counts.items() if n]
        text = "requests: " + (", ".join(parts) or "none")
        if self.waiting_on:
            text += f"; in the inbox of {', '.join(sorted(set(self.waiting_on)))}"
        if self.missing:
            text += f"; not filed ({'; '.join(self.missing)})"
        return text


def load_requests(plan: DemoPlan, created: Counter[str]) -> RequestSummary:
    summary = RequestSummary()
    for organisation_plan in plan.organisations:
        organisation = Unit.objects.get(parent=None, kind=Unit.Kind.ORGANISATION, name=organisation_plan.name)
        if organisation_plan.pack == BUREAU:
            _bureau(organisation, created, summary)
        elif organisation_plan.pack == SERVICE_CENTRE:
            _service_centre(organisation, created, summary)
    return summary


# ------------------------------------------------------------------------------------ helpers


def _attempt[T](action: Callable[[], T]) -> T | None:
    """Run one filing in a savepoint: a refusal by the rules leaves nothing behind and yields None."""
    try:
        with transaction.atomic():
            return action()
    except (ValidationError, PermissionDenied):
        return None


def _first[T](attempts: Iterator[Callable[[], T]]) -> T | None:
    for action in attempts:
        done = _attempt(action)
        if done is not None:
            return done
    return None


def _local(day: dt.date, hour: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.local_tz())


def _upcoming(person: Person, *, post: str | None = None) -> list[roster_duties.Duty]:
    """The person's published duties that start far enough ahead to be asked about."""
    today = clock.today()
    soon = clock.now() + LEAD
    duties = roster_duties.duties_of(person, today, today + dt.timedelta(days=62))
    return [d for d in duties if d.starts_at >= soon and (post is None or d.post == post)]


def _people(unit: Unit) -> list[Person]:
    return list(
        Person.objects.filter(unit__path__startswith=unit.path, is_active=True, kind="staff")
        .select_related("user", "unit")
        .order_by("employee_number")
    )


def _holder(role: str, unit: Unit) -> Person | None:
    held = RoleAssignment.objects.filter(role=role, unit=unit, person__user__isnull=False, person__is_active=True)
    assignment = held.select_related("person__user").order_by("person__employee_number").first()
    return assignment.person if assignment is not None else None


def _account(person: Person) -> User:
    assert person.user is not None
    return person.user


def _weekday_after(first: dt.date, offset: int) -> dt.date:
    day = first + dt.timedelta(days=offset)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


# ------------------------------------------------------------------------------------ the bureau


def _bureau(organisation: Unit, created: Counter[str], summary: RequestSummary) -> None:
    """In 综合处: leave waiting for the department head, leave refused, leave approved with a cover (the
    roster gets its version 2), and a substitution waiting."""
    department = Unit.objects.get(parent=organisation, name=BUREAU_DEPARTMENT)
    head = _holder(Role.DEPARTMENT_HEAD, department)
    if head is None:
        summary.missing.append(f"{department.name} has no department head with a login")
        return
    boss = _account(head)
    people = [p for p in _people(department) if p.pk != head.pk]
    with_login = [p for p in people if p.user is not None]
    leaves = LeaveRequest.objects.filter(organisation=organisation)
    next_month = (clock.today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)

    if not leaves.filter(reason=REASON_WAITING).exists() and with_login:
        person, day = with_login[0], _weekday_after(next_month, 9)
        _file_leave(person, day, REASON_WAITING, created)
    if not leaves.filter(reason=REASON_REJECTED).exists() and len(with_login) > 1:
        person, day = with_login[1], _weekday_after(next_month, 15)
        leave = _file_leave(person, day, REASON_REJECTED, created)
        if leave is not None:
            leave_services.leave_decide(actor=boss, leave=leave, approve=False, comment="当周处里任务重，请改期")
            created["leave_decisions"] += 1
    if not leaves.filter(reason=REASON_COVERED).exists() and _covered_leave(boss, people, created) is None:
        summary.missing.append("leave with a cover: no published duty of 综合处 left this month")
    substitutions = Substitution.objects.filter(organisation=organisation)
    if not substitutions.filter(reason=REASON_SUBSTITUTION).exists() and _substitution(boss, people, created) is None:
        summary.missing.append("substitution: no published duty of 综合处 left this month")

    leaves = LeaveRequest.objects.filter(organisation=organisation, reason__startswith="演示")
    for status, label in (("pending", "leave waiting"), ("approved", "leave approved"), ("rejected", "leave refused")):
        summary.counts[label] += leaves.filter(status=status).count()
    summary.counts["substitutions waiting"] += Substitution.objects.filter(
        organisation=organisation, reason__startswith="演示", status="pending"
    ).count()
    if leaves.filter(status="pending").exists() or substitutions.filter(status="pending").exists():
        summary.waiting_on.append(boss.username)


def _file_leave(person: Person, day: dt.date, reason: str, created: Counter[str]) -> LeaveRequest | None:
    actor = _account(person)
    leave = _attempt(
        lambda: leave_services.leave_file(
            actor=actor,
            person=person,
            kind="personal",
            starts_at=_local(day, 8),
            ends_at=_local(day, 18),
            reason=reason,
        )
    )
    created["leave_requests"] += leave is not None
    return leave


def _covered_leave(boss: User, people: list[Person], created: Counter[str]) -> LeaveRequest | None:
    """The head files leave for someone with a duty ahead, chooses the best-ranked cover and approves it."""

    def attempts() -> Iterator[Callable[[], LeaveRequest]]:
        for person in people:
            for duty in _upcoming(person, post=Post.DUTY_OFFICER):
                yield partial(_leave_with_cover, boss, person, duty)

    leave = _first(attempts())
    if leave is not None:
        created["leave_requests"] += 1
        created["leave_covers"] += 1
        created["leave_decisions"] += 1
    return leave


def _leave_with_cover(boss: User, person: Person, duty: roster_duties.Duty) -> LeaveRequest:
    leave = leave_services.leave_file(
        actor=boss,
        person=person,
        kind="personal",
        starts_at=duty.starts_at - dt.timedelta(hours=1),
        ends_at=duty.ends_at,
        reason=REASON_COVERED,
    )
    # SUB-02: the cover comes from the person's own department; the best-ranked one of them.
    candidates = [c for c in leave_services.cover_candidates(leave, duty) if c.person.unit_id == person.unit_id]
    if not candidates:
        raise ValidationError({"substitute": f"nobody of {person.unit.name} can cover {duty.label}"})
    leave_services.cover_choose(
        actor=boss,
        leave=leave,
        period=duty.period,
        day=duty.day,
        shift_type=duty.shift_type,
        post=duty.post,
        substitute=candidates[0].person,
    )
    return leave_services.leave_decide(actor=boss, leave=leave, approve=True, comment="同意，已安排顶班")


def _substitution(boss: User, people: list[Person], created: Counter[str]) -> Substitution | None:
    """The head asks a colleague of the same department to take someone's duty; it waits for the head."""

    def attempts() -> Iterator[Callable[[], Substitution]]:
        for person in people:
            for duty in _upcoming(person, post=Post.DUTY_OFFICER):
                colleagues = [
                    c.person
                    for c in roster_duties.cover_candidates(
                        period=duty.period,
                        day=duty.day,
                        shift_type=duty.shift_type,
                        post=duty.post,
                        replacing=person,
                        exclude=[person],
                    )
                    if c.person.unit_id == person.unit_id
                ]
                for substitute in colleagues[:2]:
                    yield partial(
                        leave_services.substitution_file,
                        actor=boss,
                        person=person,
                        period=duty.period,
                        day=duty.day,
                        shift_type=duty.shift_type,
                        post=duty.post,
                        substitute=substitute,
                        reason=REASON_SUBSTITUTION,
                    )

    substitution = _first(attempts())
    created["substitutions"] += substitution is not None
    return substitution


# ------------------------------------------------------------------------------------ the service centre


def _service_centre(organisation: Unit, created: Counter[str], summary: RequestSummary) -> None:
    """In 话务一班: a swap accepted by the colleague and waiting for the team lead (SWAP-01), and an open
    swap request on the board."""
    team = Unit.objects.get(name=SWAP_TEAM, path__startswith=organisation.path)
    operators = [p for p in _people(team) if p.user is not None]
    swaps = SwapRequest.objects.filter(organisation=organisation)
    lead = _holder(Role.TEAM_LEAD, team)
    members = [p for p in operators if lead is None or p.pk != lead.pk]
    if not swaps.filter(reason=REASON_SWAP).exists() and len(members) >= 2:
        pairs = ((a, b) for a in members for b in members if a.pk != b.pk)
        swap = _first(attempt for a, b in pairs for attempt in _swap_attempts(a, b))
        if swap is None:
            summary.missing.append("swap: no published duty of 话务一班 the rules let two operators swap")
        created["swaps"] += swap is not None
    if not swaps.filter(reason=REASON_OPEN_SWAP).exists() and members:
        open_swap = _first(attempt for member in reversed(members) for attempt in _open_swap_attempts(member))
        if open_swap is None:
            summary.missing.append("open swap: no published duty of 话务一班 left this month")
        created["swaps"] += open_swap is not None
    swaps = SwapRequest.objects.filter(organisation=organisation, reason__startswith="演示")
    summary.counts["swaps waiting for team leads"] += swaps.filter(status=SwapRequest.Status.ACCEPTED).count()
    summary.counts["open swaps"] += swaps.filter(status=SwapRequest.Status.OPEN, colleague=None).count()
    if lead is not None and lead.user is not None and swaps.filter(status=SwapRequest.Status.ACCEPTED).exists():
        summary.waiting_on.append(lead.user.username)


def _swap_attempts(requester: Person, colleague: Person) -> Iterator[Callable[[], SwapRequest]]:
    for duty in _upcoming(requester):

        def swap(duty: roster_duties.Duty = duty) -> SwapRequest:
            asked = swap_services.swap_request(
                actor=requester.user, duty=swap_selectors.duty_token(duty), colleague=colleague, reason=REASON_SWAP
            )
            return swap_services.swap_accept(actor=colleague.user, swap=asked)

        yield swap


def _open_swap_attempts(requester: Person) -> Iterator[Callable[[], SwapRequest]]:
    for duty in reversed(_upcoming(requester)):
        yield partial(
            swap_services.swap_request,
            actor=requester.user,
            duty=swap_selectors.duty_token(duty),
            reason=REASON_OPEN_SWAP,
        )
