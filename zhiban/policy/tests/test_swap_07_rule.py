"""SWAP-07 — holiday shifts are never swapped."""

import datetime as dt

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.swap_07 import HolidaySwap, SwapShift, no_holiday_swap

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=2)
PARAMS = CENTRE.parameters("SWAP-07")


def test_swap_07_rest_day_shifts_may_be_swapped() -> None:
    facts = HolidaySwap(
        (
            SwapShift("9月30日 早班", dt.date(2026, 9, 30), "workday"),
            SwapShift("10月10日 早班", dt.date(2026, 10, 10), "rest_day"),
        )
    )
    assert no_holiday_swap(facts, PARAMS) == []


def test_swap_07_a_holiday_shift_on_either_side_is_refused() -> None:
    facts = HolidaySwap(
        (
            SwapShift("9月30日 早班", dt.date(2026, 9, 30), "workday"),
            SwapShift("10月1日 早班", dt.date(2026, 10, 1), "holiday"),
        )
    )
    (finding,) = no_holiday_swap(facts, PARAMS)
    assert finding.refuses
    assert finding.message_zh == "10月1日 早班是节假日班次，节假日当班人员不允许换班"
    assert evaluate(CENTRE, ["SWAP-07"], facts).codes() == ["SWAP-07.no_holiday_swap"]
