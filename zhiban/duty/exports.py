"""The duty log and the incident register as Excel workbooks (every cell made inert: `core.spreadsheet`)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from zhiban.core import clock
from zhiban.core.spreadsheet import cell_values
from zhiban.duty.models import Incident, LogEntry
from zhiban.policy.rules import ops_03

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title: str, header: list[str], rows: Iterable[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(cell_values(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _time(moment: object) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}" if moment else ""  # type: ignore[arg-type]


def _fields(entry: LogEntry) -> str:
    kind = ops_03.KINDS.get(entry.kind)
    labels = {f.name: f.zh for f in kind.fields} if kind else {}
    return "；".join(f"{labels.get(k, k)}：{v}" for k, v in entry.fields.items() if v)


def log_xlsx(entries: Iterable[LogEntry]) -> bytes:
    rows = (
        [
            _time(e.occurred_at),
            e.shift.unit.name,
            e.shift.shift_type.name,
            ops_03.KINDS[e.kind].zh if e.kind in ops_03.KINDS else e.kind,
            _fields(e),
            "是" if e.urgent else "",
            e.amend_reason and f"更正：{e.amend_reason}",
            getattr(getattr(e.recorded_by, "person", None), "name", ""),
        ]
        for e in entries
    )
    return _book("值班记录", ["时间", "单位", "班次", "类别", "内容", "紧急", "更正", "记录人"], rows)


def incident_xlsx(incidents: Iterable[Incident]) -> bytes:
    rows = (
        [
            _time(i.raised_at),
            i.unit.name,
            i.title,
            i.level,
            i.place,
            _time(i.verified_at),
            _time(i.leader_told_at),
            _time(i.instructions_at),
            _time(i.reported_upward_at),
            i.reported_to,
            _time(i.report_due_at),
            i.get_report_display() if i.report else "",
        ]
        for i in incidents
    )
    header = [
        "登记时间",
        "单位",
        "事件",
        "级别",
        "地点",
        "核实",
        "报告带班领导",
        "按领导意见处理",
        "向上级报告",
        "报告对象",
        "报告时限",
        "报告情况",
    ]
    return _book("事件登记", header, rows)
