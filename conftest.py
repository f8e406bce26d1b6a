"""Test settings shared by every test: a fixed audit key and a private checkpoint file."""

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _audit_settings(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.AUDIT_HMAC_KEY = "test-audit-key"  # type: ignore[attr-defined]
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoint.json"  # type: ignore[attr-defined]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def org_tree(db: None) -> dict[str, Any]:
    """An organisation with two departments, each with a station, and people with roles.

    Returns a dict of the objects by name; used by authorization tests across modules.
    """
    from zhiban.org.models import Role
    from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory

    org = UnitFactory.create(name="市局", kind="organisation")
    dept_a = UnitFactory.create(name="办公室", parent=org)
    dept_b = UnitFactory.create(name="财务处", parent=org)
    station_a = UnitFactory.create(name="一站", kind="station", parent=dept_a)
    station_b = UnitFactory.create(name="二站", kind="station", parent=dept_b)

    def person(name: str, unit: Any, role: str | None = None) -> Any:
        user = UserFactory.create(username=name)
        p = PersonFactory.create(name=name, unit=unit, user=user)
        if role:
            RoleAssignmentFactory.create(person=p, role=role, unit=unit)
        return p

    return {
        "org": org,
        "dept_a": dept_a,
        "dept_b": dept_b,
        "station_a": station_a,
        "station_b": station_b,
        "head_a": person("head_a", dept_a, Role.DEPARTMENT_HEAD),
        "head_b": person("head_b", dept_b, Role.DEPARTMENT_HEAD),
        "staff_a": person("staff_a", station_a),
        "staff_b": person("staff_b", station_b),
    }


@pytest.fixture
def org_tree_bureau(org_tree: dict[str, Any]) -> dict[str, Any]:
    """`org_tree` whose organisation lives under the `bureau` pack, so the rule engine applies."""
    from zhiban.policy.services import policy_adopt

    policy_adopt(actor=None, organisation=org_tree["org"], pack_id="bureau")
    return org_tree
