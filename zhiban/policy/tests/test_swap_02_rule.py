"""SWAP-02 — at most max_per_month swaps per person a month, counted in the month of the swapped shift."""

import datetime as dt

import pytest

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.swap_02 import MonthlySwaps, count_in_month, monthly_limit

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=2)
PARAMS = CENTRE.parameters("SWAP-02")
DEC = dt.date(2026, 12, 1)


def test_swap_02_default_limit_is_two() -> None:
    assert PARAMS["max_per_month"] == 2


def test_swap_02_second_swap_of_the_month_is_at_the_limit_and_passes() -> None:
    assert monthly_limit(MonthlySwaps("王芳", DEC, earlier=1), PARAMS) == []


def test_swap_02_third_swap_of_the_month_is_refused() -> None:
    (finding,) = monthly_limit(MonthlySwaps("王芳", DEC, earlier=2), PARAMS)
    assert finding.refuses
    assert finding.message_zh == "王芳2026年12月已换班2次，每人每月不得超过2次"
    assert finding.message_en == "王芳 already has 2 swap(s) in 2026-12; at most 2 a month"


def test_swap_02_counts_in_the_month_of_the_swapped_shift() -> None:
    days = [dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 1)]
    assert count_in_month(days, dt.date(2026, 12, 17)) == 2
    assert count_in_month(days, dt.date(2026, 11, 2)) == 1


@pytest.mark.parametrize(("limit", "earlier", "refused"), [(1, 0, False), (1, 1, True), (3, 2, False), (3, 3, True)])
def test_swap_02_limit_is_the_pack_parameter(limit: int, earlier: int, refused: bool) -> None:
    policy = ResolvedPolicy(pack=get_pack("service-center"), version=3, overrides={"SWAP-02": {"max_per_month": limit}})
    outcome = evaluate(policy, ["SWAP-02"], [MonthlySwaps("王芳", DEC, earlier), MonthlySwaps("李娜", DEC, 0)])
    assert outcome.codes() == (["SWAP-02.monthly_limit"] if refused else [])
