"""The absence register moves from the swaps app to the discipline register with its rows: a database at
swaps/0002 with absences, migrated forward, has the same rows as discipline records of the kind `absence`, under the
new table, index and constraint names; migrated back, it has them in swaps' table again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

OLD = ("swaps", "0002_swap_requests_and_debts")
NEW = ("discipline", "0001_discipline_register_from_swaps_absences")
BEFORE = [OLD, ("discipline", None)]
AFTER = [("swaps", "0003_absence_register_moves_to_discipline"), NEW]


def _migrate(targets: Sequence[tuple[str, str | None]], state: tuple[str, str]) -> Any:
    """Migrate to the targets; the apps of the state at the migration `state`."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(state).apps


@pytest.fixture
def at_the_old_register() -> Iterator[Any]:
    """The database as it was before the move; afterwards, every app at its latest migration again."""
    try:
        yield _migrate(BEFORE, OLD)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _constraints(table: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def test_the_absences_move_with_their_rows_and_back(org_tree: dict[str, Any], at_the_old_register: Any) -> None:
    absence = at_the_old_register.get_model("swaps", "Absence")
    now = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    rows = [
        absence.objects.create(
            public_id="abs_old0000000001",
            person_id=org_tree["staff_a"].pk,
            organisation_id=org_tree["org"].pk,
            date=dt.date(2026, 12, 3),
            rule_id="SWAP-05",
            subject_type="swap",
            subject_id=7,
            share=Decimal("0.6"),
            note="交代不清",
            recorded_by_id=org_tree["head_a"].user.pk,
            recorded_at=now,
        ),
        absence.objects.create(
            public_id="abs_old0000000002",
            person_id=org_tree["staff_b"].pk,
            organisation_id=org_tree["org"].pk,
            date=dt.date(2026, 12, 4),
            rule_id="LEAVE-05",
            recorded_at=now,
        ),
    ]
    fields = ["id", "public_id", "person_id", "date", "rule_id", "subject_type", "subject_id", "share", "note"]
    before = sorted(absence.objects.values_list(*fields))

    record = _migrate(AFTER, NEW).get_model("discipline", "DisciplineRecord")
    assert sorted(record.objects.values_list(*fields)) == before
    assert set(record.objects.values_list("kind", flat=True)) == {"absence"}
    assert "swaps_absence" not in connection.introspection.table_names()
    names = set(_constraints("discipline_disciplinerecord"))
    assert {"discipline_org_date_idx", "discipline_subject_idx", "discipline_record_share_0_to_1"} <= names
    with pytest.raises(IntegrityError), transaction.atomic():
        record.objects.filter(pk=rows[0].pk).update(share=Decimal("1.5"))
    created = record.objects.create(
        person_id=org_tree["staff_a"].pk, organisation_id=org_tree["org"].pk, date=dt.date(2026, 12, 5),
        rule_id="SWAP-06", recorded_at=now,
    )  # fmt: skip
    assert created.pk > max(r.pk for r in rows)  # the id sequence went with the table

    back = _migrate(BEFORE, OLD).get_model("swaps", "Absence")
    assert sorted(back.objects.exclude(pk=created.pk).values_list(*fields)) == before
    assert "discipline_disciplinerecord" not in connection.introspection.table_names()
