"""ORG-01 — units nest organisation → department → station/team; nothing under a team."""

import pytest

from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.org_01 import UnitPlacement, allowed_nesting

PARAMS = ResolvedPolicy(pack=get_pack("maintenance"), version=1).parameters("ORG-01")


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        ("organisation", None),
        ("department", "organisation"),
        ("department", "department"),  # 科室 under 处室
        ("station", "department"),
        ("team", "department"),
        ("team", "station"),  # the deepest allowed: a team under a station
    ],
)
def test_org_01_allowed_nestings_pass(kind: str, parent: str | None) -> None:
    assert allowed_nesting(UnitPlacement("新单位", kind, parent, "上级"), PARAMS) == []


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        ("team", "team"),  # one level past the deepest
        ("station", "station"),
        ("department", "station"),
        ("organisation", "organisation"),
        ("department", None),
    ],
)
def test_org_01_refuses_a_unit_under_the_wrong_parent(kind: str, parent: str | None) -> None:
    (finding,) = allowed_nesting(UnitPlacement("新单位", kind, parent, "上级"), PARAMS)
    assert finding.rule_id == "ORG-01"
    assert finding.refuses
    assert finding.details["unit_kind"] == kind


def test_org_01_message_names_unit_and_parent() -> None:
    (finding,) = allowed_nesting(UnitPlacement("甲班", "team", "team", "一班"), PARAMS)
    assert finding.message_zh == "班组「甲班」不能设在班组「一班」之下"
    assert finding.message_en == "a team (甲班) cannot be placed under the team 一班"


def test_org_01_follows_the_parameter() -> None:
    flat = {**PARAMS, "under_department": ("team",)}
    assert allowed_nesting(UnitPlacement("一班", "team", "department"), flat) == []
    assert len(allowed_nesting(UnitPlacement("一站", "station", "department"), flat)) == 1
