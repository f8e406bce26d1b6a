"""LEAVE-08 — sick leave of a full day or more needs a medical certificate, handed to the team lead on
the first day back; the certificate's dates are continuous over the sick leave; an emergency is phoned
to the team lead before the shift (P7 请假 五). Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules.leave_01 import LeaveFacts, days_text

RULE_ID = "LEAVE-08"


def needs_certificate(kind: str, working_days: Decimal, params: Mapping[str, Any]) -> bool:
    """Sick leave of `certificate_from_days` or more needs a medical certificate."""
    return kind == "sick" and working_days >= Decimal(str(params["certificate_from_days"]))


@dataclass(frozen=True)
class CertificateDue:
    """A sick leave's certificate on `today`: due on the first day back (`due`), `handed_in` once uploaded."""

    person_name: str
    kind: str
    working_days: Decimal
    due: dt.date
    today: dt.date
    handed_in: bool


def certificate_due(facts: CertificateDue, params: Mapping[str, Any]) -> list[Finding]:
    """From the first day back, remind the team lead while the certificate is not in."""
    if facts.handed_in or facts.today < facts.due:
        return []
    if not needs_certificate(facts.kind, facts.working_days, params):
        return []
    limit = days_text(Decimal(str(params["certificate_from_days"])))
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"{facts.person_name}病假{days_text(facts.working_days)}天（满{limit}天须持医疗证明），"
            f"证明应于{facts.due:%Y-%m-%d}返岗第一天交给班长，尚未提交",
            f"{facts.person_name}'s sick leave of {days_text(facts.working_days)} day(s) needs a medical certificate "
            f"(from {limit} day); it was due on the first day back, {facts.due:%Y-%m-%d}, and is not in",
            {"due": facts.due.isoformat()},
        )
    ]


def emergency_phoned(facts: LeaveFacts, params: Mapping[str, Any]) -> list[Finding]:
    """An emergency sick leave records the phone call to the team lead before the shift."""
    if facts.kind != "sick" or not facts.emergency:
        return []
    if facts.phoned_at is None:
        return [
            Finding(
                RULE_ID,
                Severity.RECORD,
                f"{facts.person_name}急诊病假，未记录班前电话通知班长",
                f"{facts.person_name}'s emergency sick leave has no phone call to the team lead recorded",
                {"phoned_at": None, "before_shift": False},
            )
        ]
    shift_start = facts.first_duty_starts_at or facts.starts_at
    before = facts.phoned_at <= shift_start
    when_zh = "班前" if before else "班后"
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"{facts.person_name}急诊病假，已于{facts.phoned_at:%Y-%m-%d %H:%M}（{when_zh}）电话通知班长",
            f"{facts.person_name}'s emergency sick leave was phoned to the team lead "
            f"at {facts.phoned_at:%Y-%m-%d %H:%M} ({'before' if before else 'after'} the shift)",
            {"phoned_at": facts.phoned_at.isoformat(), "before_shift": before},
        )
    ]


@dataclass(frozen=True)
class CertificateDates:
    """A medical certificate covering `covers_from`..`covers_to` for a sick leave from `first_day` to
    `last_day` (the actual last day when the person came back early)."""

    person_name: str
    first_day: dt.date
    last_day: dt.date
    covers_from: dt.date
    covers_to: dt.date


def _day(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def dates_continuous(facts: CertificateDates, params: Mapping[str, Any]) -> list[Finding]:
    """The certificate's dates are continuous over the whole sick leave: a day of it left uncovered (at the
    start, at the end, or a certificate outside the leave) refuses the certificate."""
    gaps: list[tuple[dt.date, dt.date]] = []
    if facts.covers_from > facts.last_day or facts.covers_to < facts.first_day:
        gaps.append((facts.first_day, facts.last_day))
    else:
        if facts.covers_from > facts.first_day:
            gaps.append((facts.first_day, facts.covers_from - dt.timedelta(days=1)))
        if facts.covers_to < facts.last_day:
            gaps.append((facts.covers_to + dt.timedelta(days=1), facts.last_day))
    if not gaps:
        return []
    spans = [_day(a) if a == b else f"{_day(a)}至{_day(b)}" for a, b in gaps]
    spans_en = [_day(a) if a == b else f"{_day(a)} to {_day(b)}" for a, b in gaps]
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.person_name}病假为{_day(facts.first_day)}至{_day(facts.last_day)}，证明时间须连续，"
            f"证明（{_day(facts.covers_from)}至{_day(facts.covers_to)}）未覆盖{'、'.join(spans)}",
            f"{facts.person_name}'s sick leave runs from {_day(facts.first_day)} to {_day(facts.last_day)}; the "
            f"certificate's dates must be continuous, and this one ({_day(facts.covers_from)} to "
            f"{_day(facts.covers_to)}) leaves {', '.join(spans_en)} uncovered",
            {"gaps": [[a.isoformat(), b.isoformat()] for a, b in gaps]},
        )
    ]


CHECKS = {
    "certificate_due": certificate_due,
    "emergency_phoned": emergency_phoned,
    "dates_continuous": dates_continuous,
}
