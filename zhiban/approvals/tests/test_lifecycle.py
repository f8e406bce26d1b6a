"""The shared state machine of requests (approvals/lifecycle.py): every action from every state is allowed or refused
as written here, a refusal names the state it found, and every target an action may or may not reach."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from zhiban.approvals import lifecycle
from zhiban.approvals.lifecycle import (
    APPROVED,
    CANCEL,
    CANCELLED,
    DECIDE,
    DRAFT,
    FILE,
    LAPSE,
    NEW,
    PENDING,
    REJECTED,
    RETURN,
    RETURNED,
    STATES,
    StateRefused,
)

ACTIONS = (FILE, DECIDE, CANCEL, RETURN, LAPSE)
# Written out here, not read from the module: the table the code must keep.
ALLOWED = {
    FILE: {NEW},
    DECIDE: {PENDING},
    CANCEL: {PENDING},
    RETURN: {APPROVED},
    LAPSE: {PENDING},
}
TARGETS = {
    FILE: {PENDING},
    DECIDE: {PENDING, APPROVED, REJECTED},  # an approval short of the last leaves it waiting
    CANCEL: {CANCELLED},
    RETURN: {RETURNED},
    LAPSE: {REJECTED},
}


def test_the_machine_knows_every_action_and_state_and_nothing_else() -> None:
    assert set(lifecycle.TRANSITIONS) == set(ACTIONS)
    assert set(STATES) == {NEW, DRAFT, PENDING, APPROVED, REJECTED, CANCELLED, RETURNED}
    assert set(lifecycle.STATE_ZH) == set(STATES)  # every state has its words in a refusal


@pytest.mark.parametrize(
    ("action", "state"), [(a, s) for a, s in itertools.product(ACTIONS, STATES) if s in ALLOWED[a]]
)
def test_an_allowed_action_starts(action: str, state: str) -> None:
    assert lifecycle.permits(action, state)
    lifecycle.require(action, state, noun="请假")


@pytest.mark.parametrize(
    ("action", "state"), [(a, s) for a, s in itertools.product(ACTIONS, STATES) if s not in ALLOWED[a]]
)
def test_a_refused_action_is_a_validation_error_of_the_status_naming_the_state(action: str, state: str) -> None:
    assert not lifecycle.permits(action, state)
    with pytest.raises(StateRefused) as refused:
        lifecycle.require(action, state, noun="请假")
    error = refused.value
    assert isinstance(error, ValidationError)
    assert (error.action, error.state) == (action, state)
    assert list(error.error_dict) == ["status"]
    (inner,) = error.error_dict["status"]
    assert inner.code == "state"
    assert "请假" in inner.message


@pytest.mark.parametrize(
    ("action", "state", "message"),
    [
        (DECIDE, APPROVED, "这份请假已批准，不能再审批"),
        (DECIDE, REJECTED, "这份请假未批准，不能再审批"),
        (DECIDE, CANCELLED, "这份请假已撤回，不能再审批"),  # no longer 这份请假已已撤回
        (DECIDE, RETURNED, "这份请假已销假，不能再审批"),
        (DECIDE, DRAFT, "这份请假是草稿，不能再审批"),
        (DECIDE, NEW, "这份请假尚未提交，不能再审批"),
        (FILE, PENDING, "这份请假待审批，不能再提交"),
        (CANCEL, APPROVED, "只有待审批的请假可以撤回"),
        (RETURN, PENDING, "只有已批准的请假可以销假"),
        (LAPSE, APPROVED, "这份请假已批准，不会按逾期未批处理"),
    ],
)
def test_the_refusal_says_what_the_state_is_or_what_it_must_be(action: str, state: str, message: str) -> None:
    with pytest.raises(StateRefused) as refused:
        lifecycle.require(action, state, noun="请假")
    assert refused.value.messages == [message]


def test_a_kind_adds_its_own_words_after_the_refusal() -> None:
    with pytest.raises(StateRefused) as refused:
        lifecycle.require(CANCEL, APPROVED, noun="请假", hint="；已批准的请假返岗后销假")
    assert refused.value.messages == ["只有待审批的请假可以撤回；已批准的请假返岗后销假"]


@pytest.mark.parametrize(
    ("action", "state", "to"),
    [(a, s, t) for a in ACTIONS for s in sorted(ALLOWED[a]) for t in STATES if t in TARGETS[a]],
)
def test_an_allowed_action_reaches_its_targets(action: str, state: str, to: str) -> None:
    assert lifecycle.target(action, state, to, noun="请假") == to


@pytest.mark.parametrize(
    ("action", "state", "to"),
    [(a, s, t) for a in ACTIONS for s in sorted(ALLOWED[a]) for t in STATES if t not in TARGETS[a]],
)
def test_a_target_the_action_never_reaches_is_a_mistake_of_the_code(action: str, state: str, to: str) -> None:
    with pytest.raises(ValueError, match=f"{action} never leaves a request {to}"):
        lifecycle.target(action, state, to, noun="请假")


@pytest.mark.parametrize(
    ("action", "state"), [(a, s) for a, s in itertools.product(ACTIONS, STATES) if s not in ALLOWED[a]]
)
def test_a_refused_start_is_refused_whatever_the_target(action: str, state: str) -> None:
    for to in TARGETS[action]:
        with pytest.raises(StateRefused):
            lifecycle.target(action, state, to, noun="请假")


def test_only_a_pending_request_is_still_open_and_nothing_leaves_a_closed_one() -> None:
    """Once rejected, cancelled or returned, no action starts; approved leave may only be returned."""
    for state in (REJECTED, CANCELLED, RETURNED, DRAFT):
        assert [a for a in ACTIONS if lifecycle.permits(a, state)] == []
    assert [a for a in ACTIONS if lifecycle.permits(a, APPROVED)] == [RETURN]
    assert [a for a in ACTIONS if lifecycle.permits(a, PENDING)] == [DECIDE, CANCEL, LAPSE]
