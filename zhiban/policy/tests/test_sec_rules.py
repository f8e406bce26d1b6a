"""The confidentiality rules (SEC-00..02) as their modules decide, at each limit and just past it. Django-free."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any

import pytest

from zhiban.policy.findings import Severity
from zhiban.policy.rules import sec_00, sec_01, sec_02

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
MAXIMA = MappingProxyType({"max_years_top_secret": 30, "max_years_secret": 20, "max_years_confidential": 10})


def params(**values: Any) -> MappingProxyType[str, Any]:
    return MappingProxyType(values)


def record(classification: str, years: int, fields: frozenset[str] = sec_00.REGISTER_FIELDS, files: int = 0) -> Any:
    return sec_00.CarrierRecord(fields, files, classification, years)


@pytest.mark.parametrize(("code", "limit"), [("top_secret", 30), ("secret", 20), ("confidential", 10)])
def test_sec_00_period_at_the_maximum_passes_a_year_more_is_refused(code: str, limit: int) -> None:
    assert sec_00.period_within_maximum(record(code, limit), MAXIMA) == []
    [finding] = sec_00.period_within_maximum(record(code, limit + 1), MAXIMA)
    assert finding.severity is Severity.ENFORCE
    assert f"{limit}年" in finding.message_zh
    assert sec_00.period_within_maximum(record(code, 1), MAXIMA) == []
    assert sec_00.period_within_maximum(record(code, 0), MAXIMA) != []


def test_sec_00_the_register_fields_pass_any_other_field_or_attachment_is_refused() -> None:
    assert sec_00.no_content(record("secret", 20), MAXIMA) == []
    [content] = sec_00.no_content(record("secret", 20, sec_00.REGISTER_FIELDS | {"content"}), MAXIMA)
    assert content.details == {"fields": ["content"]}
    [scan] = sec_00.no_content(record("secret", 20, files=1), MAXIMA)
    assert scan.details == {"fields": ["attachments"]}


def test_sec_00_marking_is_classification_star_period() -> None:
    assert sec_00.marking("top_secret", 30) == "绝密★30年"
    assert sec_00.max_years(MAXIMA) == {"top_secret": 30, "secret": 20, "confidential": 10}


def test_sec_01_only_the_clerk_receives_and_archives() -> None:
    p = params(classifications=("绝密", "机密", "秘密"))
    clerk = sec_01.ClerkAction("receive", "李机要", True, "12号", "secret", 20)
    assert sec_01.clerk_only(clerk, p) == []
    [note] = sec_01.carrier_register(clerk, p)
    assert note.severity is Severity.RECORD
    assert "机密★20年" in note.message_zh
    [refused] = sec_01.clerk_only(sec_01.ClerkAction("archive", "张三", False, "12号", "secret", 20), p)
    assert refused.severity is Severity.ENFORCE
    assert "张三" in refused.message_zh


def test_sec_01_classifications_come_from_the_pack() -> None:
    assert sec_01.classifications(params(classifications=("绝密", "机密", "秘密"))) == (
        "top_secret",
        "secret",
        "confidential",
    )
    assert sec_01.classifications(params(classifications=("秘密",))) == ("confidential",)


def move(from_clerk: bool, to_clerk: bool, in_scope: bool = True, cleared: bool = True) -> sec_02.CustodyMove:
    return sec_02.CustodyMove("12号", "甲", from_clerk, "乙", to_clerk, in_scope, cleared)


def test_sec_02_clerk_to_reader_and_back_pass_reader_to_reader_is_refused() -> None:
    p = params(return_within_days=3)
    assert sec_02.no_horizontal_passing(move(True, False), p) == []
    assert sec_02.no_horizontal_passing(move(False, True), p) == []
    [refused] = sec_02.no_horizontal_passing(move(False, False), p)
    assert refused.severity is Severity.ENFORCE
    assert "横向" in refused.message_zh


def test_sec_02_only_readers_in_scope_and_cleared() -> None:
    p = params(return_within_days=3)
    assert sec_02.within_scope(move(True, False), p) == []
    [outside] = sec_02.within_scope(move(True, False, in_scope=False), p)
    assert "范围" in outside.message_zh
    [low] = sec_02.within_scope(move(True, False, cleared=False), p)
    assert "涉密等级" in low.message_zh
    assert sec_02.within_scope(move(False, True, in_scope=False, cleared=False), p) == []


def test_sec_02_return_is_overdue_just_past_return_within_days() -> None:
    p = params(return_within_days=3)
    due = START + dt.timedelta(days=3)
    assert sec_02.due_back(START, p) == due
    assert sec_02.return_overdue(sec_02.OutWithReader("12号", "乙", START, due), p) == []
    [late] = sec_02.return_overdue(sec_02.OutWithReader("12号", "乙", START, due + dt.timedelta(seconds=1)), p)
    assert late.severity is Severity.REMIND
