"""ROS-03 — the roster is published by the pack's deadline, and once published changes only by request (P3 一.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "ROS-03"

# How a published roster may change: the requests of the next issue, or an audited correction.
REQUEST_CHANNELS = ("swap", "substitution", "leave")
CHANNELS = (*REQUEST_CHANNELS, "correction", "edit")


def compiler(params: Mapping[str, Any]) -> str:
    """Who compiles the roster: the secretariat (default, P3 一.2 秘书处负责值班人员的安排) or each department."""
    return str(params.get("compiled_by", "secretariat"))


def deadline(start: dt.date, params: Mapping[str, Any], tz: dt.tzinfo) -> dt.datetime:
    """When a roster whose first duty day is `start` must be published, in `tz`.

    `publish_by`: end_of_previous_month and before_first_of_month — midnight starting the 1st of
    `start`'s month; before_duty_day — midnight starting the first duty day, `lead_days` (0 if the
    pack has none) earlier.
    """
    rule = params.get("publish_by", "before_duty_day")
    if rule in ("end_of_previous_month", "before_first_of_month"):
        day = start.replace(day=1)
    else:
        day = start - dt.timedelta(days=int(params.get("lead_days", 0) or 0))
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)


@dataclass(frozen=True)
class PublishTiming:
    """A roster being published at `at`, whose deadline (see `deadline`) is `due`."""

    period_label: str
    due: dt.datetime
    at: dt.datetime


@dataclass(frozen=True)
class RosterChange:
    """A change to a roster: `published` when it changes a published roster (not a draft), through
    `channel` (edit, correction, swap, substitution, leave) with the `reason` given."""

    period_label: str
    published: bool
    channel: str
    reason: str = ""


@dataclass(frozen=True)
class PublishNotice:
    """A publication: how many people are on the roster and how many were notified."""

    period_label: str
    on_roster: int
    notified: int


def publish_deadline(facts: PublishTiming, params: Mapping[str, Any]) -> list[Finding]:
    """Names the deadline while it is still ahead (the reminder's text)."""
    if facts.at > facts.due:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"{facts.period_label}值班表须在{facts.due:%Y-%m-%d %H:%M}前公布",
            f"the roster {facts.period_label} is due by {facts.due:%Y-%m-%d %H:%M}",
            details={"due": facts.due.isoformat()},
        )
    ]


def publish_on_time(facts: PublishTiming, params: Mapping[str, Any]) -> list[Finding]:
    """Publishing after the deadline is allowed, and flagged as late."""
    if facts.at <= facts.due:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.WARN,
            f"{facts.period_label}值班表逾期公布（期限{facts.due:%Y-%m-%d %H:%M}）",
            f"the roster {facts.period_label} is published late (due by {facts.due:%Y-%m-%d %H:%M})",
            details={"due": facts.due.isoformat(), "at": facts.at.isoformat()},
        )
    ]


def notify_on_publish(facts: PublishNotice, params: Mapping[str, Any]) -> list[Finding]:
    """Records a publication that did not reach everyone on the roster."""
    if facts.notified >= facts.on_roster:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.period_label}值班表公布时只通知了{facts.notified}/{facts.on_roster}人",
            f"publishing {facts.period_label} notified {facts.notified} of {facts.on_roster} people",
        )
    ]


def change_only_by_request(facts: RosterChange, params: Mapping[str, Any]) -> list[Finding]:
    """A published roster is never edited in place; a correction of it needs a reason."""
    if not facts.published:
        return []
    if facts.channel == "correction" and facts.reason.strip():
        return []
    if facts.channel in REQUEST_CHANNELS:
        return []
    if facts.channel == "correction":
        zh = f"{facts.period_label}值班表已公布，更正须说明理由"
        en = f"the roster {facts.period_label} is published; a correction needs a reason"
    else:
        zh = f"{facts.period_label}值班表已公布，只能经换班、顶替、请假或附理由的更正变更（生成新版本）"
        en = (
            f"the roster {facts.period_label} is published; it changes only through a swap, substitution, "
            "leave or a correction with a reason (a new version)"
        )
    return [Finding(RULE_ID, Severity.ENFORCE, zh, en, details={"channel": facts.channel})]


CHECKS = {
    "publish_deadline": publish_deadline,
    "publish_on_time": publish_on_time,
    "notify_on_publish": notify_on_publish,
    "change_only_by_request": change_only_by_request,
}
