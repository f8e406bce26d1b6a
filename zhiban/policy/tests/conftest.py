"""Helpers for policy tests: a copy of the shipped packs in tmp_path that a test may break."""

import shutil
from pathlib import Path
from typing import Any

import pytest

from zhiban.policy.packs import PACKS_DIR


@pytest.fixture
def packs_copy(tmp_path: Path) -> Path:
    """A copy of the five shipped packs; tests edit the copy, never the real files."""
    target = tmp_path / "packs"
    shutil.copytree(PACKS_DIR, target)
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def service_center_counts() -> tuple[int, int, int]:
    """service-center's rules, implemented and planned, as its pack file says (rules flip as they land)."""
    from zhiban.policy.packs import get_pack

    rules = get_pack("service-center").rules
    implemented = sum(1 for rule in rules if rule.implemented)
    return len(rules), implemented, len(rules) - implemented


@pytest.fixture
def live(org_tree: dict[str, Any]) -> dict[str, Any]:
    """org_tree's organisation living under `bureau`, a secretariat at the organisation, a system
    administrator, and a second organisation (under `maintenance`) with its own department head."""
    from zhiban.accounts.models import AdminRole
    from zhiban.org.models import Role
    from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UnitFactory, UserFactory
    from zhiban.policy import services

    org = org_tree["org"]
    secretary = PersonFactory.create(name="secretary", unit=org, user=UserFactory.create(username="secretary"))
    RoleAssignmentFactory.create(person=secretary, role=Role.SECRETARIAT, unit=org)
    admin = UserFactory.create(username="sysadmin", admin_role=AdminRole.SYSTEM)
    auditor = UserFactory.create(username="auditor", admin_role=AdminRole.AUDIT)
    policy = services.policy_adopt(actor=None, organisation=org, pack_id="bureau")
    other_org = UnitFactory.create(name="外省公司", kind="organisation")
    other_dept = UnitFactory.create(name="维护部", parent=other_org)
    other_head = PersonFactory.create(
        name="other_head", unit=other_dept, user=UserFactory.create(username="other_head")
    )
    RoleAssignmentFactory.create(person=other_head, role=Role.DEPARTMENT_HEAD, unit=other_dept)
    other_policy = services.policy_adopt(actor=None, organisation=other_org, pack_id="maintenance")
    return {
        **org_tree,
        "policy": policy,
        "secretary": secretary,
        "admin": admin,
        "auditor": auditor,
        "other_org": other_org,
        "other_head": other_head,
        "other_policy": other_policy,
    }
