"""SWAP-06 — no leave on a swapped or returned shift; an absence on one anyway is 旷工."""

import datetime as dt

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.swap_06 import (
    AbsenceOnSwappedShift,
    LeaveOnSwappedShift,
    SwappedDuty,
    absence_recorded,
    no_leave_on_swapped_shift,
)

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=2)
PARAMS = CENTRE.parameters("SWAP-06")
RETURNED = SwappedDuty("12月9日 早班", dt.date(2026, 12, 9), "returned")


def test_swap_06_leave_ending_the_day_before_a_returned_shift_passes() -> None:
    facts = LeaveOnSwappedShift("王芳", dt.date(2026, 12, 7), dt.date(2026, 12, 8), (RETURNED,))
    assert no_leave_on_swapped_shift(facts, PARAMS) == []


def test_swap_06_leave_on_a_returned_shift_is_refused() -> None:
    facts = LeaveOnSwappedShift("王芳", dt.date(2026, 12, 7), dt.date(2026, 12, 9), (RETURNED,))
    (finding,) = no_leave_on_swapped_shift(facts, PARAMS)
    assert finding.refuses
    assert finding.message_zh == "王芳的12月9日 早班是还班班次，不得请假（否则按旷工处理）"
    assert evaluate(CENTRE, ["SWAP-06"], facts).codes() == ["SWAP-06.no_leave_on_swapped_shift"]


def test_swap_06_absence_on_a_swapped_shift_is_recorded_as_absence() -> None:
    swapped = SwappedDuty("12月3日 夜班", dt.date(2026, 12, 3), "swapped")
    (finding,) = absence_recorded(AbsenceOnSwappedShift("李娜", swapped), PARAMS)
    assert finding.message_zh == "李娜未上换班班次12月3日 夜班，按旷工处理"
