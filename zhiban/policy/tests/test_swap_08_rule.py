"""SWAP-08 — the return shift (还班) is a debt tracked with reminders until worked."""

import datetime as dt

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.swap_08 import OpenReturn, next_check, return_tracked

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=2)
PARAMS = CENTRE.parameters("SWAP-08")
OPENED = dt.date(2026, 12, 1)


def _open(today: dt.date, **kwargs: object) -> OpenReturn:
    return OpenReturn("王芳", "李娜", "12月3日 夜班", OPENED, today, **kwargs)  # type: ignore[arg-type]


def test_swap_08_unscheduled_return_reminded_after_remind_after_days_not_a_day_before() -> None:
    assert PARAMS["remind_after_days"] == 14
    assert return_tracked(_open(dt.date(2026, 12, 14)), PARAMS) == []
    (finding,) = return_tracked(_open(dt.date(2026, 12, 15)), PARAMS)
    assert finding.message_zh == "王芳欠李娜的还班（换班12月3日 夜班）已14天未安排"
    assert next_check(_open(dt.date(2026, 12, 2)), PARAMS) == dt.date(2026, 12, 15)


def test_swap_08_scheduled_return_reminded_the_day_before_and_on_the_day() -> None:
    day = dt.date(2026, 12, 9)
    assert return_tracked(_open(dt.date(2026, 12, 7), return_day=day, return_label="12月9日 早班"), PARAMS) == []
    (finding,) = return_tracked(_open(dt.date(2026, 12, 8), return_day=day, return_label="12月9日 早班"), PARAMS)
    assert finding.message_zh == "王芳欠李娜的还班（换班12月3日 夜班）安排在12月9日 早班"
    assert next_check(_open(dt.date(2026, 12, 2), return_day=day), PARAMS) == dt.date(2026, 12, 8)


def test_swap_08_missed_return_stays_open_and_is_reminded() -> None:
    facts = _open(dt.date(2026, 12, 10), return_day=dt.date(2026, 12, 9), return_label="12月9日 早班", missed=True)
    assert evaluate(CENTRE, ["SWAP-08"], facts).codes() == ["SWAP-08.return_tracked"]
    assert next_check(facts, PARAMS) == dt.date(2026, 12, 24)
