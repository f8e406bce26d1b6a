"""SWAP-04 — same job type and comparable grade (at most max_grade_gap apart)."""

import pytest

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.swap_04 import SwapPair, job_type_and_grade

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=2)
PARAMS = CENTRE.parameters("SWAP-04")


def test_swap_04_same_job_type_one_grade_apart_is_at_the_limit_and_passes() -> None:
    assert job_type_and_grade(SwapPair("王芳", "话务员", 1, "李娜", "话务员", 2), PARAMS) == []


def test_swap_04_two_grades_apart_is_refused() -> None:
    (finding,) = job_type_and_grade(SwapPair("王芳", "话务员", 1, "李娜", "话务员", 3), PARAMS)
    assert finding.refuses
    assert finding.message_zh == "王芳与李娜级别相差2级，换班级别相差不得超过1级"


def test_swap_04_different_job_types_are_refused() -> None:
    (finding,) = job_type_and_grade(SwapPair("王芳", "话务员", 2, "李娜", "维修员", 2), PARAMS)
    assert finding.message_zh == "王芳与李娜工种不同（话务员/维修员），换班须同工种"


def test_swap_04_unrecorded_job_type_or_grade_is_refused() -> None:
    findings = job_type_and_grade(SwapPair("王芳", None, None, "李娜", "话务员", 2), PARAMS)
    assert [f.details for f in findings] == [{"missing": ["王芳"]}, {"missing": ["王芳"]}]


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({"same_job_type": False}, []),
        ({"max_grade_gap": 0}, ["SWAP-04.job_type_and_grade"] * 2),
    ],
)
def test_swap_04_parameters_of_the_pack(overrides: dict[str, object], codes: list[str]) -> None:
    policy = ResolvedPolicy(pack=get_pack("service-center"), version=3, overrides={"SWAP-04": overrides})
    outcome = evaluate(policy, ["SWAP-04"], SwapPair("王芳", "话务员", 1, "李娜", "维修员", 2))
    assert outcome.codes() == codes
