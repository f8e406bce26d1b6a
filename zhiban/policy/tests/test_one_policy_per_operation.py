"""The live policy is resolved once per operation (a request, a job, a run): later rule calls of the same operation
read no policy rows; a new version applies to the next operation, never to one half-done; a change made within the
operation applies at once to the rest of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiban.core import operations
from zhiban.policy import selectors, services
from zhiban.policy.models import Policy
from zhiban.policy.rules.org_01 import UnitPlacement

pytestmark = pytest.mark.django_db


def _placement() -> UnitPlacement:
    return UnitPlacement(unit_name="三站", unit_kind="station", parent_kind="department", parent_name="办公室")


def _policy_queries(captured: CaptureQueriesContext) -> int:
    return sum('"policy_' in query["sql"] for query in captured.captured_queries)


def test_within_an_operation_the_policy_is_read_once(org_tree_bureau: dict[str, Any]) -> None:
    units = [org_tree_bureau[name] for name in ("station_a", "dept_a", "org", "station_b")]
    with operations.operation():
        with CaptureQueriesContext(connection) as first:
            services.evaluate(unit=units[0], rule_ids=["ORG-01"], facts=_placement())
        with CaptureQueriesContext(connection) as later:
            for _ in range(5):
                for unit in units:
                    services.evaluate(unit=unit, rule_ids=["ORG-01"], facts=_placement())
    assert _policy_queries(first) >= 1
    assert _policy_queries(later) == 0
    assert len(later) <= len(units)  # at most one look-up of each new unit's organisation, then nothing


def test_outside_an_operation_every_call_reads_the_policy(org_tree_bureau: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            services.evaluate(unit=org_tree_bureau["station_a"], rule_ids=["ORG-01"], facts=_placement())
    assert _policy_queries(captured) >= 3


def test_a_version_written_elsewhere_applies_to_the_next_operation_not_to_the_one_half_done(
    org_tree_bureau: dict[str, Any],
) -> None:
    unit = org_tree_bureau["station_a"]
    with operations.operation():
        before = selectors.resolved_for_unit(unit)
        assert before is not None
        # The operation itself edits the policy: what it kept is dropped, the rest of it reads the new version.
        policy = Policy.objects.get(unit=org_tree_bureau["org"])
        services.policy_parameter_override(
            actor=None, policy=policy, rule_id="LEAVE-03", parameter="approval_wait_hours", value=48
        )
        assert operations.cache(selectors.POLICY_CACHE) == {}
        now = selectors.resolved_for_unit(unit)
        assert now is not None
        assert now.version == before.version + 1
    with operations.operation():
        first = selectors.resolved_for_unit(unit)
        assert first is not None
        assert first.version == before.version + 1
        Policy.objects.filter(pk=policy.pk).update(current_version=before.version)  # as if another process
        still = selectors.resolved_for_unit(unit)
        assert still is not None
        assert still.version == first.version  # half-done: unchanged
    with operations.operation():
        after = selectors.resolved_for_unit(unit)
        assert after is not None
        assert after.version == before.version  # the next operation reads afresh


def test_each_request_is_one_operation(org_tree_bureau: dict[str, Any]) -> None:
    from django.test import Client

    client = Client()
    client.force_login(org_tree_bureau["head_a"].user)
    assert operations.cache(selectors.POLICY_CACHE) is None  # tests run outside any operation
    assert client.get("/policy/").status_code == 200
    assert operations.cache(selectors.POLICY_CACHE) is None  # the request's operation ended with it
