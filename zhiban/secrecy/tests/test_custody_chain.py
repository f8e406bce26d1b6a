"""The custody chain in the database (SEC-02): the trigger of migration 0002 refuses a reader → reader row inserted
directly, a move that does not start where the carrier is, and any rewrite of a move — on SQLite and PostgreSQL —
and random sequences of moves through the service never leave a carrier in two places or passed sideways."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiban.core import clock
from zhiban.secrecy import services
from zhiban.secrecy.models import Carrier, CustodyMove
from zhiban.secrecy.tests.conftest import receive


def _insert(carrier: Carrier, from_holder: Any, to_holder: Any) -> None:
    CustodyMove.objects.create(
        carrier=carrier, kind="issue", from_holder=from_holder, to_holder=to_holder, moved_at=clock.now()
    )


def test_sec_02_database_refuses_a_reader_to_reader_row(reg: dict[str, Any]) -> None:
    carrier = reg["carrier"]
    services.carrier_move(actor=reg["clerk"].user, carrier=carrier, to=reg["reader"])
    count = CustodyMove.objects.count()
    with pytest.raises(IntegrityError, match="SEC-02"), transaction.atomic():
        _insert(carrier, reg["reader"], reg["reader2"])
    assert CustodyMove.objects.count() == count
    assert connection.vendor in ("sqlite", "postgresql")


def test_sec_02_database_refuses_a_move_from_where_the_carrier_is_not(reg: dict[str, Any]) -> None:
    carrier = reg["carrier"]  # with the clerk
    with pytest.raises(IntegrityError, match="SEC-02"), transaction.atomic():
        _insert(carrier, reg["reader"], reg["clerk"])  # back from a reader who never had it


def test_sec_02_database_accepts_clerk_reader_clerk_rows(reg: dict[str, Any]) -> None:
    carrier = reg["carrier"]
    _insert(carrier, reg["clerk"], reg["reader"])
    _insert(carrier, reg["reader"], reg["clerk"])
    assert carrier.moves.count() == 3


def test_sec_02_database_refuses_rewriting_a_move(reg: dict[str, Any]) -> None:
    carrier = reg["carrier"]
    services.carrier_move(actor=reg["clerk"].user, carrier=carrier, to=reg["reader"])
    with pytest.raises(IntegrityError, match="SEC-02"), transaction.atomic():
        CustodyMove.objects.filter(carrier=carrier, kind="issue").update(to_holder=reg["reader2"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["clerk", "reader", "reader2", "low", "outsider"]), st.booleans()), max_size=12
    )
)
def test_sec_02_random_moves_never_two_places_never_sideways(
    reg: dict[str, Any], steps: list[tuple[str, bool]]
) -> None:
    """Each step asks the service to hand the carrier to someone, or (the flag) writes the row straight to the
    database; whatever is accepted, the chain stays one line through the clerk."""
    carrier = receive(reg, copy_number=100 + Carrier.objects.count())
    clerk = reg["clerk"]
    for who, direct in steps:
        to = reg[who]
        holder = Carrier.objects.get(pk=carrier.pk).holder
        try:
            with transaction.atomic():
                if direct:
                    _insert(carrier, holder, to)
                    Carrier.objects.filter(pk=carrier.pk).update(holder=to)
                else:
                    services.carrier_move(actor=clerk.user, carrier=carrier, to=to)
        except (ValidationError, PermissionDenied, IntegrityError):
            pass
    moves = list(carrier.moves.order_by("id"))
    assert moves[0].from_holder_id is None
    assert moves[0].to_holder_id == clerk.pk
    for previous, move in itertools.pairwise(moves):
        assert move.from_holder_id == previous.to_holder_id  # one place at a time: it leaves from where it is
        assert clerk.pk in (move.from_holder_id, move.to_holder_id)  # never reader → reader
    carrier.refresh_from_db()
    assert carrier.holder_id == moves[-1].to_holder_id
