"""Deciding an approval step costs the same however large the organisation is: 5 people or 50, with their published
duties, and the next level told in both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhiban.approvals import services
from zhiban.approvals.steps import StepSpec
from zhiban.approvals.subjects import _SUBJECTS, register_subject
from zhiban.core import operations
from zhiban.notify.models import OutboxMessage
from zhiban.org.models import Role
from zhiban.roster.tests.conftest import travel  # noqa: F401 (fixture)
from zhiban.roster.tests.sized import bureau_organisation

pytestmark = pytest.mark.django_db

TRANSACTION = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


@pytest.fixture
def subject() -> Iterator[str]:
    register_subject("sized", title=lambda pk: f"测试申请{pk}", url=lambda pk: f"/test/{pk}/")
    yield "sized"
    _SUBJECTS.pop("sized", None)


def test_deciding_a_step_costs_the_same_in_a_small_and_a_large_organisation(subject: str, travel: Any) -> None:  # noqa: F811
    counts = {}
    for number, (prefix, staff, days) in enumerate((("small", 5, 5), ("large", 50, 25)), start=1):
        tree = bureau_organisation(prefix, staff=staff, days=days)
        services.chain_start(
            subject_type=subject,
            subject_id=number,
            organisation=tree["org"],
            steps=[
                StepSpec(1, Role.DEPARTMENT_HEAD, tree["dept"], "LEAVE-03", "处室负责人审批", "the head approves"),
                StepSpec(2, Role.SECRETARIAT, tree["org"], "LEAVE-03", "秘书处审批", "the secretariat approves"),
            ],
            parties=[tree["staff"][0]],
        )
        with operations.operation(), CaptureQueriesContext(connection) as captured, transaction.atomic():
            decision = services.step_decide(
                actor=tree["head"].user, subject_type=subject, subject_id=number, approve=True
            )
        assert decision.outcome == "pending"
        assert OutboxMessage.objects.filter(recipient=tree["secretary"].user).exists()  # the next level is told
        counts[prefix] = sum(not q["sql"].startswith(TRANSACTION) for q in captured.captured_queries)
    assert counts["large"] == counts["small"], counts
