"""SEC-00..02 as the register's services apply them, at each limit and just past it; every refusal cites the rule,
the pack, its clause and the policy version, and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.core.models import AuditEvent
from zhiban.notify.models import OutboxMessage
from zhiban.policy.errors import RuleViolationError
from zhiban.secrecy import services
from zhiban.secrecy.jobs import overdue_returns
from zhiban.secrecy.models import Carrier, CustodyMove
from zhiban.secrecy.tests.conftest import receive


def _refusal(error: RuleViolationError) -> dict[str, Any]:
    [finding] = error.outcome.violations
    citation = finding.citation
    return {
        "code": finding.code,
        "pack": citation.pack_id,
        "clause": (citation.source, citation.clause),
        "version": citation.policy_version,
    }


@pytest.mark.parametrize(("code", "limit"), [("top_secret", 30), ("secret", 20), ("confidential", 10)])
def test_sec_00_period_at_the_maximum_is_registered_a_year_more_is_refused(
    reg: dict[str, Any], code: str, limit: int
) -> None:
    assert receive(reg, classification=code, period_years=limit, copy_number=10).marking.endswith(f"★{limit}年")
    before = (Carrier.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RuleViolationError) as refused:
        receive(reg, classification=code, period_years=limit + 1, copy_number=11)
    assert _refusal(refused.value)["code"] == "SEC-00.period_within_maximum"
    assert _refusal(refused.value)["pack"] == "bureau"
    assert _refusal(refused.value)["version"] == 1
    assert (Carrier.objects.count(), AuditEvent.objects.count()) == before


def test_sec_00_no_content_and_no_attachments(reg: dict[str, Any]) -> None:
    count = Carrier.objects.count()
    with pytest.raises(RuleViolationError) as content:
        receive(reg, copy_number=5, other_fields={"body": "正文"})
    assert _refusal(content.value)["code"] == "SEC-00.no_content"
    with pytest.raises(RuleViolationError) as scan:
        receive(reg, copy_number=6, attachments=1)
    assert _refusal(scan.value)["code"] == "SEC-00.no_content"
    assert Carrier.objects.count() == count


def test_sec_01_the_clerk_registers_anyone_else_is_refused(reg: dict[str, Any]) -> None:
    carrier = reg["carrier"]
    assert carrier.clerk == reg["clerk"]
    assert carrier.holder == reg["clerk"]
    [receipt] = carrier.moves.all()
    assert receipt.kind == "receive"
    assert receipt.from_holder is None
    count = Carrier.objects.count()
    for outsider in ("head_a", "reader"):
        with pytest.raises(RuleViolationError) as refused:
            services.carrier_receive(
                actor=reg[outsider].user,
                unit=reg["dept_a"],
                register_number="X1",
                classification="secret",
                period_years=1,
                copy_number=1,
                issuing_body="市委",
                issued_on=dt.date(2026, 12, 1),
                received_on=dt.date(2026, 12, 7),
                title="通知",
                location="柜",
                scope_units=[reg["dept_a"]],
            )
        assert _refusal(refused.value)["code"] == "SEC-01.clerk_only"
        assert _refusal(refused.value)["clause"] == ("P6", "（一）")
    assert Carrier.objects.count() == count


def test_sec_01_archive_by_the_clerk_only_when_the_carrier_is_back(reg: dict[str, Any]) -> None:
    carrier = reg["carrier"]
    with pytest.raises(RuleViolationError) as refused:
        services.carrier_archive(actor=reg["reader"].user, carrier=carrier)
    assert _refusal(refused.value)["code"] == "SEC-01.clerk_only"
    services.carrier_move(actor=reg["clerk"].user, carrier=carrier, to=reg["reader"])
    with pytest.raises(ValidationError):
        services.carrier_archive(actor=reg["clerk"].user, carrier=carrier)
    assert Carrier.objects.get(pk=carrier.pk).status == "in_register"
    services.carrier_move(actor=reg["clerk"].user, carrier=carrier, to=reg["clerk"])
    archived = services.carrier_archive(actor=reg["clerk"].user, carrier=carrier, location="档案室")
    assert archived.status == "archived"
    assert archived.location == "档案室"


def test_sec_02_clerk_reader_clerk_reader_each_move_signed_with_time(reg: dict[str, Any]) -> None:
    carrier, clerk = reg["carrier"], reg["clerk"]
    first = services.carrier_move(actor=clerk.user, carrier=carrier, to=reg["reader"])
    assert first.kind == "issue"
    assert first.moved_at is not None
    assert first.due_back_at == first.moved_at + dt.timedelta(days=3)
    reg["travel"].shift(dt.timedelta(hours=2))
    back = services.carrier_move(actor=clerk.user, carrier=carrier, to=clerk)
    assert back.kind == "return"
    assert back.due_back_at is None
    assert back.moved_at > first.moved_at
    services.carrier_move(actor=clerk.user, carrier=carrier, to=reg["reader2"])
    carrier.refresh_from_db()
    assert carrier.holder == reg["reader2"]
    assert [m.to_holder.name for m in carrier.moves.order_by("id")] == ["clerk_a", "staff_a", "clerk_a", "reader2"]
    actions = AuditEvent.objects.filter(object_id=carrier.public_id, action="secrecy.carrier.move").count()
    assert actions == 3


def test_sec_02_reader_to_reader_is_refused_and_nothing_changes(reg: dict[str, Any]) -> None:
    carrier, clerk = reg["carrier"], reg["clerk"]
    services.carrier_move(actor=clerk.user, carrier=carrier, to=reg["reader"])
    moves = CustodyMove.objects.count()
    with pytest.raises(RuleViolationError) as refused:
        services.carrier_move(actor=clerk.user, carrier=carrier, to=reg["reader2"])
    assert _refusal(refused.value)["code"] == "SEC-02.no_horizontal_passing"
    with pytest.raises(PermissionDenied):
        services.carrier_move(actor=reg["reader"].user, carrier=carrier, to=reg["reader2"])
    carrier.refresh_from_db()
    assert carrier.holder == reg["reader"]
    assert CustodyMove.objects.count() == moves


@pytest.mark.parametrize(("who", "why"), [("outsider", "范围"), ("low", "涉密等级"), ("head_a", "涉密等级")])
def test_sec_02_only_readers_within_scope_and_cleared(reg: dict[str, Any], who: str, why: str) -> None:
    carrier = reg["carrier"]
    with pytest.raises(RuleViolationError) as refused:
        services.carrier_move(actor=reg["clerk"].user, carrier=carrier, to=reg[who])
    assert _refusal(refused.value)["code"] == "SEC-02.within_scope"
    assert why in str(refused.value)
    carrier.refresh_from_db()
    assert carrier.holder == reg["clerk"]


def test_sec_02_a_reader_named_in_the_scope_may_receive(reg: dict[str, Any]) -> None:
    carrier = receive(reg, copy_number=7, scope_units=[], scope_people=[reg["outsider"]])
    assert services.carrier_move(actor=reg["clerk"].user, carrier=carrier, to=reg["outsider"]).kind == "issue"


def test_sec_02_return_overdue_escalates_just_past_the_deadline_once(reg: dict[str, Any]) -> None:
    carrier, clerk = reg["carrier"], reg["clerk"]
    move = services.carrier_move(actor=clerk.user, carrier=carrier, to=reg["reader"])
    assert move.due_back_at is not None
    reg["travel"].move_to(move.due_back_at)
    overdue_returns({})
    move.refresh_from_db()
    assert move.escalated_at is None
    reg["travel"].move_to(move.due_back_at + dt.timedelta(minutes=1))
    overdue_returns({})
    overdue_returns({})
    move.refresh_from_db()
    assert move.escalated_at is not None
    subjects = OutboxMessage.objects.filter(channel="inbox").values_list("recipient__username", "subject")
    assert {user for user, subject in subjects if "逾期未退回" in subject} == {"staff_a", "clerk_a"}
    assert AuditEvent.objects.filter(action="secrecy.carrier.overdue").count() == 1


def test_sec_02_return_within_days_comes_from_the_policy(reg: dict[str, Any]) -> None:
    from zhiban.policy.models import Policy
    from zhiban.policy.services import policy_parameter_override

    policy = Policy.objects.get(unit=reg["org"])
    policy_parameter_override(actor=None, policy=policy, rule_id="SEC-02", parameter="return_within_days", value=1)
    move = services.carrier_move(actor=reg["clerk"].user, carrier=reg["carrier"], to=reg["reader"])
    assert move.due_back_at == move.moved_at + dt.timedelta(days=1)


def test_sec_02_a_returned_carrier_is_not_escalated(reg: dict[str, Any]) -> None:
    carrier, clerk = reg["carrier"], reg["clerk"]
    move = services.carrier_move(actor=clerk.user, carrier=carrier, to=reg["reader"])
    services.carrier_move(actor=clerk.user, carrier=carrier, to=clerk)
    assert move.due_back_at is not None
    reg["travel"].move_to(move.due_back_at + dt.timedelta(days=1))
    overdue_returns({})
    move.refresh_from_db()
    assert move.escalated_at is None


def test_sec_02_the_worker_runs_the_overdue_escalation_every_quarter_hour() -> None:
    from zhiban.core import jobs

    handler = jobs.handler_for("secrecy.overdue_returns")
    assert handler.func is overdue_returns
    assert handler.every == dt.timedelta(minutes=15)
