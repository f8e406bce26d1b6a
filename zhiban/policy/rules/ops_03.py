"""OPS-03 — the duty log (值班记录): structured entries by kind with the fields the texts list (P3 四.1–5, P1 五,
P4 第六条). Calls: caller unit, caller, phone, content, handling. Visitors: content and handling. Meeting notices:
name, time, place, attendees, requirements; urgent ones passed to attendees at once and — where the pack says so — to
the secretariat. Documents, telegrams, classified or time-limited letters: kept sealed and handed to the leader at the
start of work; of a classified letter the log holds the register facts only, never its content. Inspections received.
Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-03"


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    en: str
    required: bool = True
    long: bool = False


@dataclass(frozen=True)
class EntryKind:
    code: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    sealed: bool = False  # kept sealed and handed to the leader at the start of work

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


_CONTENT = Field("content", "内容", "content", long=True)
_HANDLING = Field("handling", "处理情况", "handling", long=True)

KINDS: dict[str, EntryKind] = {
    kind.code: kind
    for kind in (
        EntryKind(
            "call",
            "来电",
            "phone call",
            (
                Field("caller_unit", "来电单位", "caller's unit"),
                Field("caller_name", "来电人", "caller"),
                Field("phone", "联系电话", "phone"),
                _CONTENT,
                _HANDLING,
            ),
        ),
        EntryKind(
            "visitor",
            "来访",
            "visitor",
            (Field("visitor_name", "来访人", "visitor", required=False), _CONTENT, _HANDLING),
        ),
        EntryKind(
            "meeting",
            "会议通知",
            "meeting notice",
            (
                Field("meeting_name", "会议名称", "meeting"),
                Field("meeting_time", "会议时间", "time"),
                Field("place", "地点", "place"),
                Field("attendees", "参会人员", "attendees"),
                Field("requirements", "会议要求", "requirements", required=False, long=True),
            ),
        ),
        EntryKind(
            "document",
            "公文电报",
            "document or telegram",
            (
                Field("sender", "来文单位", "sender"),
                Field("doc_number", "文号", "number", required=False),
                Field("title", "标题", "title"),
                _HANDLING,
            ),
            sealed=True,
        ),
        EntryKind(
            "sealed_letter",
            "密件或限时信件",
            "classified or time-limited letter",
            (
                Field("sender", "来件单位", "sender"),
                Field("register_number", "登记号", "register number"),
                Field("classification", "密级或时限", "classification or time limit"),
            ),
            sealed=True,
        ),
        EntryKind(
            "inspection",
            "上级检查",
            "inspection received",
            (
                Field("inspector", "检查人", "inspector"),
                Field("method", "检查方式", "how (phone or on site)"),
                _CONTENT,
            ),
        ),
        EntryKind("note", "其他事项", "other", (_CONTENT, Field("handling", "处理情况", "handling", False, True))),
    )
}


@dataclass(frozen=True)
class LogEntry:
    """An entry as written: its kind, its fields, whether it is an urgent meeting notice."""

    kind: str
    fields: Mapping[str, str]
    urgent: bool = False


def missing_fields(facts: LogEntry) -> list[Field]:
    kind = KINDS[facts.kind]
    return [f for f in kind.fields if f.required and not str(facts.fields.get(f.name, "")).strip()]


def structured_entries(facts: LogEntry, params: Mapping[str, Any]) -> list[Finding]:
    """Every entry carries the fields the texts list for its kind; a sealed letter carries nothing but its register
    facts (no content)."""
    if facts.kind not in KINDS:
        return [Finding(RULE_ID, Severity.ENFORCE, f"未知的记录类别：{facts.kind}", f"unknown entry kind {facts.kind}")]
    kind = KINDS[facts.kind]
    findings = []
    missing = missing_fields(facts)
    if missing:
        findings.append(
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{kind.zh}须填写{'、'.join(f.zh for f in missing)}",
                f"a {kind.en} entry needs {', '.join(f.en for f in missing)}",
                {"fields": [f.name for f in missing]},
            )
        )
    unknown = sorted(set(facts.fields) - set(kind.field_names()))
    if unknown:
        findings.append(
            Finding(
                RULE_ID,
                Severity.ENFORCE,
                f"{kind.zh}只登记规定的项目，不得记录{'、'.join(unknown)}"
                + ("（密件只登记登记号、来件单位和密级，不记内容）" if facts.kind == "sealed_letter" else ""),
                f"a {kind.en} entry records only its listed fields, not {', '.join(unknown)}",
                {"fields": unknown},
            )
        )
    return findings


def tells_secretariat(params: Mapping[str, Any]) -> bool:
    """Whether an urgent meeting notice also goes to the secretariat (P3 四.3)."""
    return bool(params.get("urgent_meeting_tells_secretariat", True))


def urgent_meeting_notice(facts: LogEntry, params: Mapping[str, Any]) -> list[Finding]:
    if facts.kind != "meeting" or not facts.urgent:
        return []
    also = "并告知秘书处" if tells_secretariat(params) else ""
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"紧急会议通知：立即通知参会人员{also}",
            "urgent meeting notice: attendees are told at once" + (" and the secretariat" if also else ""),
            {"secretariat": bool(also)},
        )
    ]


def sealed_handover(facts: LogEntry, params: Mapping[str, Any]) -> list[Finding]:
    if not KINDS.get(facts.kind, KINDS["note"]).sealed:
        return []
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            "原封保管，上班时呈送领导",
            "kept sealed and handed to the leader at the start of work",
        )
    ]


CHECKS = {
    "structured_entries": structured_entries,
    "urgent_meeting_notice": urgent_meeting_notice,
    "sealed_handover": sealed_handover,
}
