"""`org_tree` (conftest.py) with a team lead of 一站, who manages staff_a there."""

from __future__ import annotations

from typing import Any

import pytest

from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory


@pytest.fixture
def team_lead(org_tree: dict[str, Any]) -> Any:
    lead = PersonFactory.create(name="lead_a", unit=org_tree["station_a"], user=UserFactory.create(username="lead_a"))
    RoleAssignmentFactory.create(person=lead, role=Role.TEAM_LEAD, unit=org_tree["station_a"])
    return lead
