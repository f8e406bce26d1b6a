"""LEAVE-05 — apply ahead of time; a late request needs a manager's approval, otherwise it is absence.

maintenance (P2 二.3): apply `min_days_ahead` days ahead; a later request is refused (the text says 必须 and
gives no late path; a duty someone cannot do is substituted under SUB-01).
service-center (P7 请假 二): ordinary personal leave `personal_days_ahead` days ahead, special personal
leave and sick leave `special_before_shift` before the shift; a later request takes effect only with a
manager's approval, and without it the absence counts as 旷工. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.leave_01 import LeaveFacts, kind_en, kind_zh

RULE_ID = "LEAVE-05"

# Roles that count as 管理人员 (management) for a late request and the LEAVE-09/10 exception paths.
MANAGER_ROLES = (
    "team_lead",
    "station_head",
    "department_head",
    "regional_leader",
    "cs_director",
    "centre_director",
    "secretariat",
)


def days_ahead(facts: LeaveFacts) -> int:
    """Calendar days between the day the request is filed and the day the leave starts."""
    return (facts.starts_at.date() - facts.filed_at.date()).days


def _hours(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0:
        return f"{minutes // 60}小时"
    return f"{minutes}分钟"


def shift_deadline(facts: LeaveFacts, params: Mapping[str, Any]) -> dt.datetime:
    """service-center: the latest time special personal leave or sick leave is asked (before the shift)."""
    shift_start = facts.first_duty_starts_at or facts.starts_at
    return shift_start - params["special_before_shift"]


def is_late(facts: LeaveFacts, params: Mapping[str, Any]) -> bool:
    """Whether the request is later than the pack allows (either pack's parameters)."""
    if "min_days_ahead" in params:
        return days_ahead(facts) < int(params["min_days_ahead"])
    if facts.special or facts.kind == "sick":
        return facts.filed_at > shift_deadline(facts, params)
    return days_ahead(facts) < int(params["personal_days_ahead"])


def apply_ahead(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """maintenance: a request filed fewer than `min_days_ahead` days before the leave is refused (必须提前2天)."""
    limit = int(params["min_days_ahead"])
    ahead = days_ahead(facts)
    if ahead >= limit:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"请假须提前{limit}天申请，本次仅提前{max(ahead, 0)}天",
            f"leave is asked for {limit} days ahead; this request is {max(ahead, 0)} day(s) ahead",
            {"min_days_ahead": limit, "days_ahead": ahead},
        )
    ]


@dataclass(frozen=True)
class LateApproval:
    """A request about to take effect: whether it was `late` and whether a manager approved it."""

    person_name: str
    kind: str
    late: bool
    manager_approved: bool


def late_request_needs_manager(facts: LateApproval, params: Mapping[str, Any]) -> list[Finding]:
    """service-center: a late request takes effect only with a manager's approval."""
    if not facts.late or facts.manager_approved:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.person_name}的{kind_zh(facts.kind)}未按时提前申请（一般事假提前{params['personal_days_ahead']}天、"
            f"特殊事假班前{_hours(params['special_before_shift'])}），须经管理人员批准方可生效",
            f"{facts.person_name}'s {kind_en(facts.kind)} was asked late; "
            "it takes effect only with a manager's approval",
            {"late": True},
        )
    ]


@dataclass(frozen=True)
class LeaveLapse:
    """A late request at `now`: its leave started at `starts_at`; `approved` if it took effect."""

    person_name: str
    kind: str
    late: bool
    starts_at: dt.datetime
    now: dt.datetime
    approved: bool


def unapproved_is_absence(facts: LeaveLapse, params: Mapping[str, Any]) -> list[Finding]:
    """service-center: a late request not approved by the time the leave starts is recorded as 旷工."""
    if not facts.late or facts.approved or facts.now < facts.starts_at:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.person_name}的逾期请假在{facts.starts_at:%Y-%m-%d %H:%M}前未获管理人员批准，缺勤按旷工处理",
            f"{facts.person_name}'s late request was not approved by {facts.starts_at:%Y-%m-%d %H:%M}; "
            "the absence counts as 旷工",
            {"starts_at": facts.starts_at.isoformat()},
        )
    ]


CHECKS = {
    "apply_ahead": apply_ahead,
    "late_request_needs_manager": late_request_needs_manager,
    "unapproved_is_absence": unapproved_is_absence,
}
