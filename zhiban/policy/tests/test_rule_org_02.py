"""ORG-02 — each role at a unit of a fitting kind; a person may hold several roles."""

import pytest

from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.org_02 import RolePlacement, role_fits_unit

PARAMS = ResolvedPolicy(pack=get_pack("maintenance"), version=1).parameters("ORG-02")


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("station_head", "station"),
        ("team_lead", "team"),
        ("team_lead", "station"),
        ("department_head", "department"),
        ("secretariat", "organisation"),
        ("regional_leader", "department"),
        ("duty_officer", "team"),
    ],
)
def test_org_02_role_at_a_fitting_unit_passes(role: str, kind: str) -> None:
    assert role_fits_unit(RolePlacement("李四", role, kind, "某单位"), PARAMS) == []


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("station_head", "department"),
        ("team_lead", "department"),  # one level above the team/station it fits
        ("department_head", "station"),
        ("department_head", "organisation"),
        ("cs_director", "team"),
    ],
)
def test_org_02_refuses_a_role_at_the_wrong_unit(role: str, kind: str) -> None:
    (finding,) = role_fits_unit(RolePlacement("李四", role, kind, "某单位"), PARAMS)
    assert finding.rule_id == "ORG-02"
    assert finding.refuses
    assert finding.details == {"role": role, "unit_kind": kind, "allowed": list(PARAMS[f"{role}_at"])}


def test_org_02_message_names_person_role_and_unit() -> None:
    (finding,) = role_fits_unit(RolePlacement("李四", "station_head", "department", "办公室"), PARAMS)
    assert finding.message_zh == "李四不能在部门「办公室」担任站长（只能设在：站）"


def test_org_02_a_person_may_hold_several_roles() -> None:
    roles = [
        RolePlacement("李四", "station_head", "station", "一站"),
        RolePlacement("李四", "safety_officer", "station", "一站"),
        RolePlacement("李四", "duty_officer", "station", "一站"),
        RolePlacement("李四", "team_lead", "team", "一班"),
    ]
    assert [finding for role in roles for finding in role_fits_unit(role, PARAMS)] == []


def test_org_02_unknown_role_is_refused() -> None:
    (finding,) = role_fits_unit(RolePlacement("李四", "emperor", "organisation"), PARAMS)
    assert finding.refuses
    assert finding.details == {"role": "emperor"}


def test_org_02_every_role_of_the_org_model_has_a_parameter() -> None:
    from zhiban.org.models import Role

    assert {f"{role}_at" for role in Role.values} == set(PARAMS)
