"""LEAVE-04 — no more than `max_on_leave` people of one station on leave at the same time (P2 二.2).

Approval is refused when it would put too many of the station on leave at once; filing while an
overlapping request of the station is pending (or approved) warns. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "LEAVE-04"


@dataclass(frozen=True)
class OtherLeave:
    """Another leave of the same station: whose, from when to when."""

    person_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class StationLeave:
    """A leave of `person_name` at `station_name` (`starts_at`..`ends_at`) and the station's other leave:
    `approved` (taking effect) and `pending` (waiting for approval). `stage` is "filing" or "approval"."""

    person_name: str
    station_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    stage: str
    approved: tuple[OtherLeave, ...] = ()
    pending: tuple[OtherLeave, ...] = ()


def _overlapping(facts: StationLeave, others: Sequence[OtherLeave]) -> list[OtherLeave]:
    return [o for o in others if o.starts_at < facts.ends_at and facts.starts_at < o.ends_at]


def most_at_once(facts: StationLeave, others: Sequence[OtherLeave]) -> int:
    """The most people of the station on leave at one moment of this leave, counting this one."""
    overlapping = _overlapping(facts, others)
    moments = sorted({facts.starts_at, *(max(o.starts_at, facts.starts_at) for o in overlapping)})
    return max(
        (1 + sum(1 for o in overlapping if o.starts_at <= moment < o.ends_at) for moment in moments),
        default=1,
    )


def _names(others: Sequence[OtherLeave]) -> str:
    return "、".join(sorted({o.person_name for o in others}))


def station_overlap_on_approval(facts: StationLeave, params: Mapping[str, Any]) -> list[Finding]:
    """Approving is refused when the station would have more than `max_on_leave` people on leave at once."""
    limit = int(params["max_on_leave"])
    if facts.stage != "approval":
        return []
    at_once = most_at_once(facts, facts.approved)
    if at_once <= limit:
        return []
    others = _overlapping(facts, facts.approved)
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.station_name}同时请假不得超过{limit}人：{_names(others)}已获准同期请假",
            f"at most {limit} of {facts.station_name} may be on leave at once; "
            f"{', '.join(sorted({o.person_name for o in others}))} already on leave then",
            {"max_on_leave": limit, "at_once": at_once, "others": sorted({o.person_name for o in others})},
        )
    ]


def station_overlap_on_filing(facts: StationLeave, params: Mapping[str, Any]) -> list[Finding]:
    """Filing warns when, with the station's pending and approved leave, too many would be away at once."""
    limit = int(params["max_on_leave"])
    if facts.stage != "filing":
        return []
    everyone = (*facts.approved, *facts.pending)
    if most_at_once(facts, everyone) <= limit:
        return []
    others = _overlapping(facts, everyone)
    return [
        Finding(
            RULE_ID,
            Severity.WARN,
            f"{facts.station_name}同时请假不得超过{limit}人：{_names(others)}同期已有请假（待批或已批），本申请可能无法批准",
            f"at most {limit} of {facts.station_name} may be on leave at once; "
            f"{', '.join(sorted({o.person_name for o in others}))} asked for the same days; this may not be approved",
            {"max_on_leave": limit, "others": sorted({o.person_name for o in others})},
        )
    ]


CHECKS = {
    "station_overlap_on_approval": station_overlap_on_approval,
    "station_overlap_on_filing": station_overlap_on_filing,
}
