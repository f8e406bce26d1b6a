"""ORG-03 — guards, cleaners, contractors and other outsiders never do duty nor substitute (P1 二)."""

import pytest

from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.org_03 import DutyCandidate, outsider_never_on_duty

PARAMS = ResolvedPolicy(pack=get_pack("bureau"), version=1).parameters("ORG-03")


@pytest.mark.parametrize("capacity", ["duty_staff", "substitute"])
def test_org_03_staff_may_do_duty_and_substitute(capacity: str) -> None:
    assert outsider_never_on_duty(DutyCandidate("张三", "staff", capacity), PARAMS) == []


@pytest.mark.parametrize("kind", ["guard", "cleaner", "contractor", "other"])
@pytest.mark.parametrize("capacity", ["duty_staff", "substitute"])
def test_org_03_refuses_outsiders(kind: str, capacity: str) -> None:
    (finding,) = outsider_never_on_duty(DutyCandidate("王五", kind, capacity), PARAMS)
    assert finding.rule_id == "ORG-03"
    assert finding.refuses
    assert finding.details["person_kind"] == kind
    assert finding.details["capacity"] == capacity


def test_org_03_message_names_the_person_and_kind() -> None:
    (finding,) = outsider_never_on_duty(DutyCandidate("王五", "guard", "substitute"), PARAMS)
    assert finding.message_zh == "王五（保安）不得担任顶替值班人员"
    assert finding.message_en == "王五 (security guard) cannot be substitute"


def test_org_03_limit_follows_the_allowed_kinds_parameter() -> None:
    widened = {"allowed_person_kinds": ("staff", "contractor")}
    assert outsider_never_on_duty(DutyCandidate("赵六", "contractor"), widened) == []  # at the limit
    assert len(outsider_never_on_duty(DutyCandidate("钱七", "other"), widened)) == 1  # just past it


def test_org_03_refuses_a_person_of_another_organisation() -> None:
    same = DutyCandidate("张三", "staff", person_organisation="unt_a", duty_organisation="unt_a")
    other = DutyCandidate("张三", "staff", person_organisation="unt_b", duty_organisation="unt_a")
    assert outsider_never_on_duty(same, PARAMS) == []
    (finding,) = outsider_never_on_duty(other, PARAMS)
    assert finding.message_zh == "张三是外单位人员，不得担任值班人员"
