"""The swap register (换班登记表, SWAP-01) of a month as xlsx, in the layout a duty office prints; every text
cell inert (`zhiban.core.spreadsheet`)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from zhiban.approvals.models import ApprovalStep
from zhiban.core.spreadsheet import cell_values
from zhiban.swaps import checks
from zhiban.swaps.models import SwapRequest

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["序号", "换班人", "换出班次", "接班人", "还班班次", "事由", "状态", "班长审批", "申请时间"]
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def title(organisation_name: str, month: dt.date) -> str:
    return f"{organisation_name}{month.year}年{month.month}月换班登记表"


def approvals_text(steps: Sequence[ApprovalStep]) -> str:
    parts = []
    for step in steps:
        who = step.decided_by.get_username() if step.decided_by else ""
        parts.append(f"{step.label_zh}：{step.get_status_display()}{'（' + who + '）' if who else ''}")
    return "；".join(parts)


def row(index: int, swap: SwapRequest, steps: Sequence[ApprovalStep]) -> list[object]:
    back = checks.return_shift(swap)
    return [
        index,
        swap.requester.name,
        checks.swapped_shift(swap).label,
        swap.colleague.name if swap.colleague else "（公开征集）",
        back.label if back else ("（还班）" if swap.return_for_id else "待定"),
        swap.reason,
        str(swap.get_status_display()),
        approvals_text(steps),
        f"{swap.created_at.astimezone():%Y-%m-%d %H:%M}",
    ]


def workbook_bytes(
    organisation_name: str, month: dt.date, swaps: Sequence[SwapRequest], steps: dict[int, list[ApprovalStep]]
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{month.year}年{month.month}月"
    sheet.append(cell_values([title(organisation_name, month)]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.cell(1, 1).font = Font(name="宋体", size=16, bold=True)
    sheet.cell(1, 1).alignment = _CENTRE
    sheet.append(cell_values(HEADER))
    for index, swap in enumerate(swaps, start=1):
        sheet.append(cell_values(row(index, swap, steps.get(swap.pk, []))))
    for line in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for cell in line:
            cell.border = _BORDER
            cell.alignment = _CENTRE
    for letter, width in zip("ABCDEFGHI", (6, 10, 16, 10, 16, 24, 12, 36, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
