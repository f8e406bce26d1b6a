"""The leave app's three request kinds as the shared lifecycle sees them (zhiban/approvals/lifecycle.py): leave
(请假), substitutions (顶替) and compensatory-rest requests (补休申请)."""

from __future__ import annotations

from zhiban.accounts.models import User
from zhiban.approvals import lifecycle
from zhiban.leave import rules, selectors
from zhiban.leave.models import LeaveRequest, RestRequest, Substitution
from zhiban.leave.selectors import SUBJECT_LEAVE, SUBJECT_REST, SUBJECT_SUBSTITUTION
from zhiban.org.models import Person


def person_filer_or_manager(actor: User, me: Person, leave: LeaveRequest) -> bool:
    """Who withdraws leave and hands in its certificate: its person, whoever filed it, or the person's manager."""
    return lifecycle.person_or_filer(actor, me, leave) or selectors.may_manage(actor, leave.person)


LEAVE = lifecycle.Kind[LeaveRequest](
    model=LeaveRequest,
    subject_type=SUBJECT_LEAVE,
    noun="请假",
    audit="leave.request",
    object_type="leave",
    related=("person", "person__unit", "unit"),
    parties=lambda leave: [leave.person],
    may_file=selectors.may_file_leave_for,
    file_denied="you may not file leave for this person",
    wait_hours=rules.wait_hours,
    may_withdraw=person_filer_or_manager,
    withdraw_denied="you may not cancel this request",
    hints={lifecycle.CANCEL: "；已批准的请假返岗后销假"},
)

SUBSTITUTION = lifecycle.Kind[Substitution](
    model=Substitution,
    subject_type=SUBJECT_SUBSTITUTION,
    noun="顶替申请",
    audit="leave.substitution",
    object_type="substitution",
    related=("person", "person__unit", "substitute", "substitute__unit", "period", "shift_type"),
    parties=lambda row: [row.person, row.substitute],
    may_file=selectors.may_file_for,
    file_denied="you may not ask a substitution for this person",
    wait_hours=rules.wait_hours,
)

REST = lifecycle.Kind[RestRequest](
    model=RestRequest,
    subject_type=SUBJECT_REST,
    noun="补休申请",
    audit="leave.rest",
    object_type="rest_request",
    related=("person", "person__unit"),
    parties=lambda row: [row.person],
    may_file=selectors.may_file_for,
    file_denied="you may not ask rest for this person",
    wait_hours=rules.wait_hours,
)
