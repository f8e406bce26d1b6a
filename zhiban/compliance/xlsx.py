"""The compliance report as an xlsx workbook: one sheet per part, Chinese headers; every text cell inert
(`zhiban.core.spreadsheet`)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from zhiban.compliance.report import Report
from zhiban.core.spreadsheet import cell_values

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(report: Report) -> bytes:
    book = Workbook()
    rules = book.active
    assert rules is not None
    rules.title = "规则执行"
    rules.append(cell_values([report.title]))
    rules["A1"].font = Font(size=14, bold=True)
    rules.append(cell_values(["规则", "名称", "拒绝次数", "提示后继续次数", "继续理由（次数）"]))
    for line in report.rules:
        reasons = "；".join(f"{reason}（{count}）" for reason, count in line.reasons)
        rules.append(cell_values([line.rule_id, line.title, line.blocked, line.overridden, reasons]))
    rules.append(cell_values(["合计", "", report.blocked, report.overridden, ""]))
    deadlines = book.create_sheet("期限")
    deadlines.append(cell_values(["事项", "按期", "逾期"]))
    deadlines.append(cell_values(["值班表公布", report.deadlines.rosters_on_time, report.deadlines.rosters_late]))
    deadlines.append(cell_values(["审批", report.deadlines.approvals_in_time, report.deadlines.approvals_overdue]))
    swaps = book.create_sheet("换班")
    swaps.append(cell_values(["姓名", "换班次数"]))
    for name, count in report.swaps:
        swaps.append(cell_values([name, count]))
    leave = book.create_sheet("请假")
    leave.append(cell_values(["类别", "天数", "次数"]))
    for label, days, count in report.leave:
        leave.append(cell_values([label, float(days), count]))
    absences = book.create_sheet("旷工")
    absences.append(cell_values(["姓名", "旷工（按责任折算）"]))
    for name, share in report.absences:
        absences.append(cell_values([name, float(share)]))
    for sheet in book.worksheets:
        header_row = 2 if sheet is rules else 1
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
