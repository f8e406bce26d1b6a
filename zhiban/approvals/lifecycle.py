"""The lifecycle of a request decided through an approval chain, written once for leave (请假), substitutions (顶替)
and compensatory-rest requests (补休): which actions each state allows, and the service steps every kind shares.

A request is filed (waiting for approval), decided level by level until approved or rejected, or withdrawn by whoever
may (撤回, `cancel`); leave is also cancelled on return (消假, `return`) and, when asked late and still unapproved as
it starts, lapses (LEAVE-05, `lapse`). A kind (`Kind`) plugs in what differs: its model, who files and withdraws it,
the people it is about, its words; each call plugs in its rules, approval steps and notices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from zhiban.accounts.models import User
from zhiban.approvals import selectors
from zhiban.approvals import services as approvals
from zhiban.approvals.steps import StepSpec
from zhiban.core import audit, clock
from zhiban.org.models import Person, Unit
from zhiban.org.own_matters import refuse_own_matter
from zhiban.org.scopes import active_person, organisation_of

# ── the state machine ────────────────────────────────────────────────────────

NEW = "new"  # not filed yet: there is no row
DRAFT = "draft"  # a status the models know; nothing files a request as a draft today
PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
CANCELLED = "cancelled"
RETURNED = "returned"
STATES = (NEW, DRAFT, PENDING, APPROVED, REJECTED, CANCELLED, RETURNED)
# How a refusal names the state (in the words of the requests' own labels).
STATE_ZH = {
    NEW: "尚未提交",
    DRAFT: "是草稿",
    PENDING: "待审批",
    APPROVED: "已批准",
    REJECTED: "未批准",
    CANCELLED: "已撤回",
    RETURNED: "已销假",
}

FILE = "file"
DECIDE = "decide"
CANCEL = "cancel"  # withdrawn (撤回) by the person or whoever filed it
RETURN = "return"  # 消假: back from approved leave
LAPSE = "lapse"  # the worker: a late request still waiting as its leave starts (LEAVE-05)


@dataclass(frozen=True)
class Transition:
    """An action, the states it may start from and the states it may leave the request in. `refusal` is the
    message when the state does not allow it ({noun}: the kind's name; {state}: the state's; {hint}: the kind's
    own words after it)."""

    sources: frozenset[str]
    targets: frozenset[str]
    refusal: str


TRANSITIONS: Mapping[str, Transition] = {
    FILE: Transition(frozenset({NEW}), frozenset({PENDING}), "这份{noun}{state}，不能再提交{hint}"),
    # an approval that is not the last leaves the request waiting for the next level
    DECIDE: Transition(
        frozenset({PENDING}), frozenset({PENDING, APPROVED, REJECTED}), "这份{noun}{state}，不能再审批{hint}"
    ),
    CANCEL: Transition(frozenset({PENDING}), frozenset({CANCELLED}), "只有待审批的{noun}可以撤回{hint}"),
    RETURN: Transition(frozenset({APPROVED}), frozenset({RETURNED}), "只有已批准的{noun}可以销假{hint}"),
    LAPSE: Transition(frozenset({PENDING}), frozenset({REJECTED}), "这份{noun}{state}，不会按逾期未批处理{hint}"),
}
# The audit verb of a decision by its outcome (`leave.request.approve`).
VERBS = {APPROVED: "approve", REJECTED: "reject", PENDING: "step"}


class StateRefused(ValidationError):
    """The request's state does not allow the action: a refusal of the field `status` (code `state`) that names the
    action and the state it found."""

    def __init__(self, message: str, *, action: str, state: str) -> None:
        self.action, self.state = action, state
        super().__init__({"status": [ValidationError(message, code="state")]})


def permits(action: str, state: str) -> bool:
    """May `action` start from `state`?"""
    return state in TRANSITIONS[action].sources


def refusal(action: str, state: str, *, noun: str, hint: str = "") -> StateRefused:
    text = TRANSITIONS[action].refusal.format(noun=noun, state=STATE_ZH.get(state, state), hint=hint)
    return StateRefused(text, action=action, state=state)


def require(action: str, state: str, *, noun: str, hint: str = "") -> None:
    """StateRefused when `action` may not start from `state`."""
    if not permits(action, state):
        raise refusal(action, state, noun=noun, hint=hint)


def target(action: str, state: str, to: str, *, noun: str, hint: str = "") -> str:
    """The state `action` moves a request in `state` to: `to`, once both ends are allowed. A target the action never
    reaches is a mistake in the calling code (ValueError), not a refusal."""
    require(action, state, noun=noun, hint=hint)
    if to not in TRANSITIONS[action].targets:
        raise ValueError(f"{action} never leaves a request {to}")
    return to


# ── a kind of request ────────────────────────────────────────────────────────


class Request(Protocol):
    """What the lifecycle reads and writes on a request row (LeaveRequest, Substitution, RestRequest)."""

    pk: Any
    public_id: str
    status: str
    person: Person
    person_id: int
    filed_by_id: int
    decided_at: dt.datetime | None

    def save(self, *, update_fields: Sequence[str]) -> None: ...


def person_or_filer(actor: User, me: Person, row: Request) -> bool:
    """Who withdraws a request unless the kind says more: its person, or whoever filed it."""
    return me.pk == row.person_id or actor.pk == row.filed_by_id


@dataclass(frozen=True)
class Kind[R: Request]:
    """One kind of request: its model, approval subject, words, and who may do what.

    `noun` names it in refusals (请假, 顶替申请); `audit` is the prefix of its audit actions (`leave.request` →
    `leave.request.file`, `.approve`, `.reject`, `.step`, `.cancel`) and `object_type` their object type; `related`
    what is read with the locked row; `parties` the people it is about (nobody decides their own matter);
    `wait_hours` how long a step waits before its approvers are reminded; `hints` the kind's own words after a
    refusal of an action.
    """

    model: type[models.Model]
    subject_type: str
    noun: str
    audit: str
    object_type: str
    related: tuple[str, ...]
    parties: Callable[[R], list[Person]]
    may_file: Callable[[User | None, Person], bool]
    file_denied: str
    wait_hours: Callable[[Unit], int | None]
    may_withdraw: Callable[[User, Person, R], bool] = person_or_filer
    withdraw_denied: str = "only the person or whoever asked may withdraw it"
    hints: Mapping[str, str] = field(default_factory=dict)

    def require(self, row: R, action: str) -> None:
        """StateRefused, in this kind's words, when the row's state does not allow `action`."""
        require(action, row.status, noun=self.noun, hint=self.hints.get(action, ""))

    def move(self, row: R, action: str, to: str) -> None:
        """Set the row's status to where `action` takes it (saved by the caller)."""
        row.status = target(action, row.status, to, noun=self.noun, hint=self.hints.get(action, ""))

    def locked(self, row: R) -> R:
        """The row again, locked for the change, with what the lifecycle and the kind read of it."""
        rows = self.model._default_manager.select_for_update(of=("self",)).select_related(*self.related)
        return cast(R, rows.get(pk=row.pk))


def acting(actor: User | None) -> Person:
    """The person of the organisation who acts; PermissionDenied for anyone else (an administrator without a person)."""
    person = active_person(actor)
    if person is None:
        raise PermissionDenied("only a person of the organisation may do this")
    return person


# ── what every kind's pages and API ask ──────────────────────────────────────


def may_decide[R: Request](kind: Kind[R], user: User | None, row: R) -> bool:
    """The request waits for a decision and some step of its current level waits on the user."""
    return permits(DECIDE, row.status) and any(
        selectors.can_decide(user, s) for s in selectors.current_steps(kind.subject_type, row.pk)
    )


def may_cancel[R: Request](kind: Kind[R], user: User | None, row: R) -> bool:
    """The request may be withdrawn now, and by the user."""
    if user is None or not permits(CANCEL, row.status):
        return False
    me = active_person(user)
    return me is not None and kind.may_withdraw(user, me, row)


# ── the service steps every kind shares ──────────────────────────────────────


def _record[R: Request](
    kind: Kind[R],
    actor: User,
    row: R,
    verb: str,
    *,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    extra: Mapping[str, Any] | None,
) -> None:
    """The one audit event of a step: `<kind.audit>.<verb>` on the request's public id."""
    audit.record(
        actor=actor,
        action=f"{kind.audit}.{verb}",
        object_type=kind.object_type,
        object_id=row.public_id,
        before=dict(before) if before is not None else None,
        after=dict(after),
        extra=dict(extra) if extra else None,
    )


def require_filer[R: Request](kind: Kind[R], actor: User | None, person: Person) -> None:
    """PermissionDenied unless the actor may file this kind of request for `person` (first, before any other check)."""
    if not kind.may_file(actor, person):
        raise PermissionDenied(kind.file_denied)


def file[R: Request](
    kind: Kind[R],
    *,
    actor: User,
    person: Person,
    fields: Mapping[str, Any],
    steps: Sequence[StepSpec],
    after: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
    filed_at: dt.datetime | None = None,
    tell: Callable[[R], None] | None = None,
) -> R:
    """Filing, once the kind's rules passed: the row waiting for approval, its approval chain (the kind's parties
    kept on every step; the first level told), what the kind does then (`tell`: notices, records, jobs) and one audit
    event `<audit>.file`. Call inside the kind's transaction."""
    status = target(FILE, NEW, PENDING, noun=kind.noun)
    organisation = organisation_of(person.unit)
    row = cast(
        R,
        kind.model._default_manager.create(
            person=person,
            organisation=organisation,
            status=status,
            filed_by=actor,
            filed_at=filed_at or clock.now(),
            **fields,
        ),
    )
    approvals.chain_start(
        subject_type=kind.subject_type,
        subject_id=row.pk,
        organisation=organisation,
        steps=steps,
        parties=kind.parties(row),
        wait_hours=kind.wait_hours(person.unit),
    )
    if tell is not None:
        tell(row)
    _record(kind, actor, row, "file", before=None, after=after, extra=extra)
    return row


def decide[R: Request](
    kind: Kind[R],
    *,
    actor: User,
    row: R,
    approve: bool,
    comment: str,
    apply: Callable[[R], Mapping[str, Any]],
    tell: Callable[[R, str], None],
    check: Callable[[User, Person, R], None] | None = None,
    fields: Sequence[str] = (),
) -> R:
    """An approver decides the step of the current level that waits on them.

    Refused before anything is written: someone who is not a person of the organisation, a request no longer waiting
    (StateRefused), a party of the request (their own matter), the kind's `check` (LEAVE-06 for leave), and whatever
    the chain refuses (not the approver's step; a rejection without a reason). The last approval runs `apply` (the
    kind's rules and effects; it returns what the audit event adds and may set the kind's `fields`); a final decision
    is dated and told (`tell(row, outcome)`). One audit event `<audit>.approve|reject|step`.
    """
    me = acting(actor)
    row = kind.locked(row)
    kind.require(row, DECIDE)
    refuse_own_matter(actor, kind.parties(row))
    if check is not None:
        check(actor, me, row)
    decision = approvals.step_decide(
        actor=actor, subject_type=kind.subject_type, subject_id=row.pk, approve=approve, comment=comment
    )
    before = row.status
    extra: dict[str, Any] = {"step": decision.step.label_zh, "comment": comment.strip()}
    if decision.outcome == APPROVED:
        extra.update(apply(row))
    kind.move(row, DECIDE, decision.outcome)
    if decision.outcome != PENDING:
        row.decided_at = clock.now()
    row.save(update_fields=["status", "decided_at", *fields])
    if decision.outcome != PENDING:
        tell(row, decision.outcome)
    _record(
        kind, actor, row, VERBS[decision.outcome], before={"status": before}, after={"status": row.status}, extra=extra
    )
    return row


def cancel[R: Request](kind: Kind[R], *, actor: User, row: R, extra: Mapping[str, Any] | None = None) -> R:
    """Withdraw a request still waiting for approval (撤回): whoever the kind lets (its person or whoever filed it);
    the chain's waiting steps stop waiting. One audit event `<audit>.cancel`."""
    row = kind.locked(row)
    me = acting(actor)
    if not kind.may_withdraw(actor, me, row):
        raise PermissionDenied(kind.withdraw_denied)
    before = row.status
    kind.move(row, CANCEL, CANCELLED)
    approvals.chain_cancel(subject_type=kind.subject_type, subject_id=row.pk)
    row.save(update_fields=["status"])
    _record(kind, actor, row, "cancel", before={"status": before}, after={"status": row.status}, extra=extra)
    return row
