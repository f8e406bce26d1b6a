"""OPS-07 — the shift report (值班报告表), built from the shift's log and checklist, goes to the supervisor within
`submit_within` of the handover, who reviews and signs it (P2 第七条, P4 第七条). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-07"

# source: default — the texts give the supervisor no time to review: as long as the officer has to submit.
REVIEW_FACTOR = 1


@dataclass(frozen=True)
class ShiftReport:
    handed_over_at: dt.datetime
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    now: dt.datetime


def submit_by(handed_over_at: dt.datetime, params: Mapping[str, Any]) -> dt.datetime:
    within: dt.timedelta = params["submit_within"]
    return handed_over_at + within


def review_by(submitted_at: dt.datetime, params: Mapping[str, Any]) -> dt.datetime:
    within: dt.timedelta = params["submit_within"]
    return submitted_at + within * REVIEW_FACTOR


def report_due(facts: ShiftReport, params: Mapping[str, Any]) -> list[Finding]:
    due = submit_by(facts.handed_over_at, params)
    if facts.submitted_at is not None or facts.now < due:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"值班报告表应于{due.month}月{due.day}日{due:%H:%M}前提交，已逾期",
            "the shift report is overdue",
        )
    ]


def supervisor_review(facts: ShiftReport, params: Mapping[str, Any]) -> list[Finding]:
    if facts.submitted_at is None or facts.reviewed_at is not None:
        return []
    due = review_by(facts.submitted_at, params)
    if facts.now < due:
        return []
    return [Finding(RULE_ID, Severity.RECORD, "值班报告表待主管领导审阅，已逾期", "the supervisor's review is overdue")]


CHECKS = {"report_due": report_due, "supervisor_review": supervisor_review}
