"""Shared builders for the LEAVE/SUB rule tests: a leave request as the rules read it."""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.leave_01 import LeaveFacts

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 9, minute: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def leave(**changes: Any) -> LeaveFacts:
    """王五's personal leave, 2026-12-10 09:00 to 2026-12-11 17:00 (2 working days), filed on 12-01."""
    values: dict[str, Any] = {
        "person_name": "王五",
        "kind": "personal",
        "starts_at": at(10),
        "ends_at": at(11, 17),
        "filed_at": at(1),
        "calendar_days": 2,
        "working_days": Decimal("2"),
    }
    values.update(changes)
    return LeaveFacts(**values)


def policy(pack_id: str, version: int = 3) -> ResolvedPolicy:
    return ResolvedPolicy(pack=get_pack(pack_id), version=version)
