"""Who may decide which approval step; the approver's inbox."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from zhiban.accounts.models import User
from zhiban.approvals.models import ApprovalStep
from zhiban.org.models import Person, RoleAssignment, Unit
from zhiban.org.own_matters import is_party
from zhiban.org.scopes import person_of

OPEN = ApprovalStep.Status.PENDING


def steps_of(subject_type: str, subject_id: int) -> list[ApprovalStep]:
    """Every step of a request's chain, level by level."""
    return list(
        ApprovalStep.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .select_related("unit", "decided_by")
        .order_by("order", "id")
    )


def steps_by_subject(subject_type: str, subject_ids: Iterable[int]) -> dict[int, list[ApprovalStep]]:
    """The approval chains of many requests in one query (lists and the API), each level by level."""
    chains: dict[int, list[ApprovalStep]] = {}
    rows = (
        ApprovalStep.objects.filter(subject_type=subject_type, subject_id__in=list(subject_ids))
        .select_related("unit", "decided_by")
        .order_by("subject_id", "order", "id")
    )
    for step in rows:
        chains.setdefault(step.subject_id, []).append(step)
    return chains


def current_order(steps: list[ApprovalStep]) -> int | None:
    """The level now waiting: the lowest level with a pending step, unless a step was rejected (chain closed)."""
    if any(s.status == ApprovalStep.Status.REJECTED for s in steps):
        return None
    pending = [s.order for s in steps if s.status == OPEN]
    return min(pending) if pending else None


def current_steps(subject_type: str, subject_id: int) -> list[ApprovalStep]:
    """The pending steps of the level now waiting (several when approvers decide in parallel)."""
    steps = steps_of(subject_type, subject_id)
    order = current_order(steps)
    return [s for s in steps if s.order == order and s.status == OPEN]


def _held_units(user: User | None, role: str) -> list[Unit]:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    person = person_of(user)
    if person is None or not person.is_active:
        return []
    return [ra.unit for ra in RoleAssignment.objects.filter(person=person, role=role).select_related("unit")]


def can_decide(user: User | None, step: ApprovalStep) -> bool:
    """The user holds the step's role at its unit or at a unit above it, and the request is not about them."""
    if is_party(user, step.parties):
        return False
    return any(step.unit.path.startswith(unit.path) for unit in _held_units(user, step.role))


def _current(steps: list[ApprovalStep]) -> list[ApprovalStep]:
    """Of candidate steps, those whose level is the one now waiting — the chains read in one query."""
    if not steps:
        return []
    subjects = Q()
    for subject_type, subject_id in {(s.subject_type, s.subject_id) for s in steps}:
        subjects |= Q(subject_type=subject_type, subject_id=subject_id)
    chains: dict[tuple[str, int], list[ApprovalStep]] = {}
    for step in ApprovalStep.objects.filter(subjects).only("subject_type", "subject_id", "order", "status"):
        chains.setdefault((step.subject_type, step.subject_id), []).append(step)
    return [s for s in steps if current_order(chains[(s.subject_type, s.subject_id)]) == s.order]


def inbox(user: User | None) -> list[ApprovalStep]:
    """The steps waiting on this user now (their level is current), oldest first."""
    if user is None or not user.is_authenticated:
        return []
    person = person_of(user)
    if person is None or not person.is_active:
        return []
    held = list(RoleAssignment.objects.filter(person=person).select_related("unit"))
    if not held:
        return []
    scope = Q()
    for assignment in held:
        scope |= Q(role=assignment.role, unit__path__startswith=assignment.unit.path)
    candidates = ApprovalStep.objects.filter(scope, status=OPEN).select_related("unit").order_by("created_at", "id")
    return _current([step for step in candidates if person.pk not in step.parties])


def overdue(now: object) -> list[ApprovalStep]:
    """Pending steps of the current level past their reminder time and not yet reminded."""
    steps = ApprovalStep.objects.filter(status=OPEN, wait_until__lte=now, reminded_at__isnull=True).select_related(
        "unit"
    )
    return _current(list(steps))


def approvers_for(role: str, unit: Unit) -> list[Person]:
    """Who holds `role` at `unit` or above it (and so may decide a step of that role there)."""
    ancestors = [unit.path[: i + 1] for i, ch in enumerate(unit.path) if ch == "."]
    return [
        ra.person
        for ra in RoleAssignment.objects.filter(role=role, unit__path__in=ancestors, person__is_active=True)
        .select_related("person")
        .order_by("person_id")
    ]


def approvers(step: ApprovalStep) -> list[Person]:
    """The people who may decide a step: holders of its role at its unit or above, the request's parties not."""
    return [p for p in approvers_for(step.role, step.unit) if p.pk not in step.parties]
