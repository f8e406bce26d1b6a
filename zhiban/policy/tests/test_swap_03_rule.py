"""SWAP-03 — no consecutive swaps; neither side works back to back (less than min_rest apart) after a swap."""

import datetime as dt
from zoneinfo import ZoneInfo

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.swap_03 import (
    RestAfterSwap,
    Slot,
    SwapSequence,
    no_back_to_back,
    no_consecutive_swaps,
)

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=2)
PARAMS = CENTRE.parameters("SWAP-03")
TZ = ZoneInfo("Asia/Shanghai")


def _slot(key: str, day: int, start: int, hours: int) -> Slot:
    starts = dt.datetime(2026, 12, day, start, tzinfo=TZ)
    return Slot(key, f"12月{day}日 {key}", starts, starts + dt.timedelta(hours=hours))


MON = _slot("a", 7, 8, 8)
TUE = _slot("b", 8, 8, 8)
WED = _slot("c", 9, 8, 8)
THU = _slot("d", 10, 8, 8)


def test_swap_03_default_min_rest_is_8_hours() -> None:
    assert PARAMS["min_rest"] == dt.timedelta(hours=8)


def test_swap_03_a_shift_two_away_from_a_swapped_one_may_be_swapped() -> None:
    facts = SwapSequence("王芳", swapping=WED, duties=(MON, TUE, WED, THU), swapped_keys=frozenset({"a"}))
    assert no_consecutive_swaps(facts, PARAMS) == []


def test_swap_03_a_shift_next_to_a_swapped_one_is_refused() -> None:
    facts = SwapSequence("王芳", swapping=WED, duties=(MON, TUE, WED, THU), swapped_keys=frozenset({"b"}))
    (finding,) = no_consecutive_swaps(facts, PARAMS)
    assert finding.refuses
    assert finding.message_zh == "不允许连续换班：王芳的12月9日 c与已换班的12月8日 b相邻"


def test_swap_03_a_swapped_shift_cannot_be_swapped_again() -> None:
    facts = SwapSequence("李娜", swapping=TUE, duties=(TUE,), swapped_keys=frozenset({"b"}))
    (finding,) = no_consecutive_swaps(facts, PARAMS)
    assert finding.message_zh == "李娜的12月8日 b已是换班或还班班次，不能再换"


def test_swap_03_exactly_min_rest_apart_is_allowed() -> None:
    night = _slot("n", 7, 16, 8)  # 16:00–24:00, next shift 08:00: 8 hours
    facts = RestAfterSwap("王芳", taking=(night,), schedule=(night, TUE))
    assert no_back_to_back(facts, PARAMS) == []


def test_swap_03_a_minute_less_than_min_rest_is_back_to_back_and_refused() -> None:
    late = Slot(
        "n", "12月7日 晚班", dt.datetime(2026, 12, 7, 16, 1, tzinfo=TZ), dt.datetime(2026, 12, 8, 0, 1, tzinfo=TZ)
    )
    facts = RestAfterSwap("王芳", taking=(late,), schedule=(late, TUE))
    (finding,) = no_back_to_back(facts, PARAMS)
    assert finding.refuses
    assert finding.message_zh == "换班后王芳的12月7日 晚班与12月8日 b间隔7小时59分钟，少于8小时（连班）"
    assert finding.details["gap_minutes"] == 479


def test_swap_03_overlapping_shifts_are_refused() -> None:
    overlapping = _slot("x", 8, 12, 8)
    facts = RestAfterSwap("李娜", taking=(overlapping,), schedule=(TUE, overlapping))
    (finding,) = no_back_to_back(facts, PARAMS)
    assert finding.details["gap_minutes"] < 0


def test_swap_03_engine_runs_both_checks_over_both_sides() -> None:
    sequence = SwapSequence("王芳", swapping=WED, duties=(TUE, WED), swapped_keys=frozenset({"b"}))
    rest = RestAfterSwap("李娜", taking=(_slot("n", 7, 20, 12),), schedule=(TUE,))
    outcome = evaluate(CENTRE, ["SWAP-03"], [sequence, rest])
    assert outcome.codes() == ["SWAP-03.no_consecutive_swaps", "SWAP-03.no_back_to_back"]
