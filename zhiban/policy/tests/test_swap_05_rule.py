"""SWAP-05 — a missed shift from an unclear swap is absence for both, by the shares the team lead judges."""

import datetime as dt
from decimal import Decimal

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.swap_05 import ResponsibilityJudgement, responsibility_judgement, shares_problem

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=2)
PARAMS = CENTRE.parameters("SWAP-05")
D = Decimal


def test_swap_05_shares_adding_up_to_one_stand() -> None:
    assert shares_problem([("王芳", D("0.7")), ("李娜", D("0.3"))]) is None
    assert shares_problem([("王芳", D("1")), ("李娜", D("0"))]) is None


def test_swap_05_shares_a_hundredth_off_are_refused() -> None:
    problem = shares_problem([("王芳", D("0.7")), ("李娜", D("0.31"))])
    assert problem == (
        "双方责任比例之和须为100%（现为101%）",
        "the two shares must add up to 100% (they add up to 101%)",
    )
    assert shares_problem([("王芳", D("1.01")), ("李娜", D("-0.01"))]) == (
        "王芳的责任比例须在0到1之间",
        "王芳's share must be between 0 and 1",
    )
    assert shares_problem([("王芳", D("1"))]) is not None


def test_swap_05_the_judgement_is_recorded_with_both_shares() -> None:
    facts = ResponsibilityJudgement("12月3日 夜班", dt.date(2026, 12, 3), (("王芳", D("0.6")), ("李娜", D("0.4"))))
    (finding,) = responsibility_judgement(facts, PARAMS)
    assert finding.message_zh == "换班交代不清造成12月3日 夜班误班、空班，按旷工处理：王芳承担60%，李娜承担40%"
    assert evaluate(CENTRE, ["SWAP-05"], facts).codes() == ["SWAP-05.responsibility_judgement"]
