"""The monthly duty allowance table (值班津贴表, ROS-08) as xlsx in the layout Chinese offices use; every text
cell inert (`zhiban.core.spreadsheet`)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from zhiban.core.spreadsheet import cell_values
from zhiban.policy.rules import ros_08

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def title(unit_name: str, month: dt.date) -> str:
    return f"{unit_name}{month.year}年{month.month}月值班津贴表"


def rates_line(report: ros_08.AllowanceReport) -> str:
    parts = [f"{ros_08.CATEGORY_LABELS.get(c, c)}{report.rates[c]}元/次" for c in report.categories]
    return "津贴标准：" + "；".join(parts) if parts else "津贴标准：未设定"


def header(report: ros_08.AllowanceReport) -> list[str]:
    return [
        "序号",
        "姓名",
        *[f"{ros_08.CATEGORY_LABELS.get(c, c)}（次）" for c in report.categories],
        "津贴合计（元）",
        "签名",
    ]


def workbook_bytes(unit_name: str, month: dt.date, report: ros_08.AllowanceReport) -> bytes:
    """One sheet: title, the rates, a header row, one row per person, the total, and the signatures."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{month.year}年{month.month}月"
    columns = header(report)
    width = len(columns)
    sheet.append(cell_values([title(unit_name, month)]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(name="宋体", size=16, bold=True)
    sheet.cell(1, 1).alignment = _CENTRE
    sheet.row_dimensions[1].height = 30
    sheet.append(cell_values([rates_line(report)]))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append(cell_values(columns))
    for index, row in enumerate(report.rows, start=1):
        counts = [row.counts.get(c, 0) for c in report.categories]
        sheet.append(cell_values([index, row.person_name, *counts, float(row.total), ""]))
    totals = [report.counts.get(c, 0) for c in report.categories]
    sheet.append(cell_values(["合计", "", *totals, float(report.total), ""]))
    last = sheet.max_row
    for cells in sheet.iter_rows(min_row=3, max_row=last, max_col=width):
        for cell in cells:
            cell.border = _BORDER
            cell.alignment = _CENTRE
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for column in range(1, width + 1):
        sheet.cell(last, column).font = Font(bold=True)
    for r in range(4, last + 1):
        sheet.cell(r, width - 1).number_format = "0.00"
    sheet.append([])
    sheet.append(cell_values(["制表人：", "", "审核人：", "", "日期："]))
    for column, size in enumerate([8, 12, *[16] * len(report.categories), 16, 14], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    sheet.print_title_rows = "1:3"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
