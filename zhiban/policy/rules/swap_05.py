"""SWAP-05 — a missed or empty shift from an unclear swap is absence (旷工) for both sides, each assessed by the
share of responsibility the team lead judges (P7 客服部换班制度 五)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "SWAP-05"


def _percent(share: Decimal) -> str:
    return f"{share * 100:.0f}%"


def shares_problem(shares: Sequence[tuple[str, Decimal]]) -> tuple[str, str] | None:
    """Why a judgement's shares cannot stand (zh, en), or None: both sides, each 0..1, together exactly 1."""
    if len(shares) != 2:
        return ("责任须在换班双方之间划分", "responsibility is shared between the two sides of the swap")
    for name, share in shares:
        if share < 0 or share > 1:
            return (f"{name}的责任比例须在0到1之间", f"{name}'s share must be between 0 and 1")
    total = sum((share for _, share in shares), Decimal("0"))
    if total != 1:
        return (
            f"双方责任比例之和须为100%（现为{_percent(total)}）",
            f"the two shares must add up to 100% (they add up to {_percent(total)})",
        )
    return None


@dataclass(frozen=True)
class ResponsibilityJudgement:
    """The team lead's judgement on a missed or empty shift of a swap: who bears what share."""

    shift_label: str
    day: dt.date
    shares: tuple[tuple[str, Decimal], ...]


def judgement_text(facts: ResponsibilityJudgement) -> tuple[str, str]:
    """What the judgement says (zh, en): the shift missed and each side's share. Not a check: the register's note
    where no policy evaluates SWAP-05."""
    parts_zh = "，".join(f"{name}承担{_percent(share)}" for name, share in facts.shares)
    parts_en = ", ".join(f"{name} {_percent(share)}" for name, share in facts.shares)
    return (
        f"换班交代不清造成{facts.shift_label}误班、空班，按旷工处理：{parts_zh}",
        f"{facts.shift_label} was missed after an unclear swap; absence for both: {parts_en}",
    )


def responsibility_judgement(facts: ResponsibilityJudgement, params: Mapping[str, Any]) -> list[Finding]:
    """Records the absence of both sides with their shares."""
    zh, en = judgement_text(facts)
    shares = {name: str(share) for name, share in facts.shares}
    return [Finding(RULE_ID, Severity.RECORD, zh, en, {"day": facts.day.isoformat(), "shares": shares})]


CHECKS = {"responsibility_judgement": responsibility_judgement}
