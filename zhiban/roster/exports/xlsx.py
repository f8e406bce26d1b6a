"""xlsx export of the printable roster (same layout, one sheet per month) and import of such a sheet
into a period's draft (ROS-06). The import sets each cell through `services.assignment_set`, so every
rule (date in the period, ORG-03, qualification, one post per shift) has one implementation; it is
atomic: on any error nothing is written and every error names its row and column."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zhiban.accounts.models import User
from zhiban.core import audit
from zhiban.org.models import Person
from zhiban.org.scopes import organisation_of
from zhiban.roster import selectors, services
from zhiban.roster.exports.printing import COLUMNS, MonthSheet
from zhiban.roster.models import Post, RosterPeriod, ShiftType

WIDTHS = (11, 11, 16, 26, 34, 12, 18)
POST_COLUMNS = {2: Post.DUTY_LEADER, 3: Post.DUTY_OFFICER, 5: Post.STANDBY_DRIVER}
HEADER_ROW = 2
MAX_ROWS = 200
NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")
SHIFT_LABEL = re.compile(r"^\s*([^：:]+?)\s*[：:]\s*(.*)$")
TEXT_DATE = re.compile(r"^\s*(?:(\d{4})\s*[年-])?\s*(\d{1,2})\s*[月-]\s*(\d{1,2})\s*日?\s*$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


# ------------------------------------------------------------------------------------ export


def _write_sheet(ws: Worksheet, sheet: MonthSheet) -> None:
    last = get_column_letter(len(COLUMNS))
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = sheet.title + ("（草稿）" if sheet.draft else "")
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = _CENTRE
    ws.row_dimensions[1].height = 30
    for index, (title, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=index, value=title)
        cell.font = Font(name="宋体", bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.border, cell.alignment = _BORDER, _CENTRE
        ws.column_dimensions[get_column_letter(index)].width = width
    row_number = HEADER_ROW
    for row in sheet.rows:
        row_number += 1
        weekday = row.weekday + (f"\n{row.mark}" if row.mark else "")
        values = [row.date, weekday, *("\n".join(v) for v in (row.leaders, row.officers, row.phones, row.drivers))]
        values.append("\n".join(row.notes))
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row_number, column=index, value=value)
            cell.border, cell.alignment = _BORDER, _CENTRE
        ws.cell(row=row_number, column=1).number_format = 'm"月"d"日"'
    footer = [
        f"值班室电话：{sheet.duty_phone or '—'}　传真：{sheet.fax or '—'}",
        *(f"{n}. {line}" for n, line in enumerate(sheet.requirements, start=1)),
        f"编制：{sheet.compiler}　" + (f"发布日期：{sheet.published:%Y年%m月%d日}" if sheet.published else "未发布"),
    ]
    row_number += 1  # one empty row ends the table
    for line in footer:
        row_number += 1
        ws.merge_cells(f"A{row_number}:{last}{row_number}")
        ws.cell(row=row_number, column=1, value=line).alignment = Alignment(wrap_text=True, vertical="center")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def workbook_bytes(sheets: list[MonthSheet]) -> bytes:
    """The roster as an .xlsx file, one worksheet per month (`2026年12月`)."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for sheet in sheets:
        _write_sheet(book.create_sheet(f"{sheet.year}年{sheet.month}月"), sheet)
    if not sheets:
        book.create_sheet("值班表")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------ import


class _Errors:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        text = f"{sheet} 第{row}行 {column}: {message}"
        if text not in self.items:
            self.items.append(text)


def _cell_date(value: Any, year: int | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        found = TEXT_DATE.match(value)
        if found and (found.group(1) or year):
            try:
                return dt.date(int(found.group(1) or year or 0), int(found.group(2)), int(found.group(3)))
            except ValueError:
                return None
    return None


def _title_year(value: Any) -> int | None:
    found = re.search(r"(\d{4})年", str(value or ""))
    return int(found.group(1)) if found else None


def _split_cell(value: Any) -> list[tuple[str | None, list[str]]]:
    """`白班：张三、李四\n夜班：王五` → [("白班", ["张三", "李四"]), ("夜班", ["王五"])]; unlabeled → (None, …)."""
    parts = []
    for line in str(value or "").splitlines():
        if not line.strip():
            continue
        label = SHIFT_LABEL.match(line)
        shift, names = (label.group(1), label.group(2)) if label else (None, line)
        parts.append((shift, [n for n in NAME_SEPARATORS.split(names) if n]))
    return parts


class _People:
    """Names → people: staff of the organisation first; anyone else by that name is passed on for the
    rules to refuse (ORG-03), so the error is the rule's."""

    def __init__(self, period: RosterPeriod) -> None:
        organisation = organisation_of(period.unit)
        self.own: dict[str, list[Person]] = {}
        for person in Person.objects.filter(unit__path__startswith=organisation.path).select_related("unit"):
            self.own.setdefault(person.name, []).append(person)

    def find(self, name: str) -> Person:
        found = self.own.get(name) or list(Person.objects.filter(name=name, is_active=True).select_related("unit")[:2])
        if not found:
            raise ValidationError(f"unknown person {name!r}")
        if len(found) > 1:
            raise ValidationError(f"several people are called {name!r}")
        return found[0]


def _shift_for(label: str | None, shifts: list[ShiftType], post: str) -> ShiftType:
    with_post = [s for s in shifts if s.headcount(post)]
    if label is not None:
        named = [s for s in with_post if s.name == label]
        if not named:
            raise ValidationError(f"no shift {label!r} with this post on that day")
        return named[0]
    if len(with_post) != 1:
        raise ValidationError("name the shift (e.g. 白班：张三) where a day has several")
    return with_post[0]


def _rows(ws: Worksheet) -> Iterable[tuple[int, tuple[Any, ...]]]:
    for number, values in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, max_row=MAX_ROWS, values_only=True), 3):
        if all(v is None or str(v).strip() == "" for v in values[: len(COLUMNS)]):
            return
        yield number, tuple(values) + (None,) * (len(COLUMNS) - len(values))


def _wanted_cells(
    ws: Worksheet, period: RosterPeriod, people: _People, errors: _Errors
) -> list[tuple[str, int, str, dt.date, ShiftType, str, list[Person]]]:
    """(sheet, row, column, date, shift, post, people) for every post of every day listed in the sheet."""
    shifts = selectors.shift_types_for(period.unit)
    year = _title_year(ws["A1"].value)
    wanted = []
    for row_number, values in _rows(ws):
        day = _cell_date(values[0], year)
        if day is None:
            errors.add(ws.title, row_number, COLUMNS[0], f"{values[0]!r} is not a date")
            continue
        day_shifts = [s for s in shifts if s.applies_to(services.day_kind(day))]
        for column, post in POST_COLUMNS.items():
            by_shift: dict[int, list[Person]] = {s.pk: [] for s in day_shifts if s.headcount(post)}
            for label, names in _split_cell(values[column]):
                try:
                    shift = _shift_for(label, day_shifts, post)
                    by_shift[shift.pk] += [people.find(name) for name in names]
                except ValidationError as error:
                    errors.add(ws.title, row_number, COLUMNS[column], "; ".join(error.messages))
            for shift in day_shifts:
                if shift.pk in by_shift:
                    wanted.append((ws.title, row_number, COLUMNS[column], day, shift, str(post), by_shift[shift.pk]))
    return wanted


def _check_header(ws: Worksheet) -> list[str]:
    found = [str(c.value or "").strip() for c in ws[HEADER_ROW][: len(COLUMNS)]]
    if tuple(found) != COLUMNS:
        return [f"{ws.title} 第{HEADER_ROW}行: the header must read {' · '.join(COLUMNS)}, not {' · '.join(found)}"]
    return []


def read_workbook(data: bytes) -> list[Worksheet]:
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValidationError({"file": f"not an xlsx workbook ({type(error).__name__})"}) from error
    return list(book.worksheets)


@transaction.atomic
def roster_import_xlsx(*, actor: User | None, period: RosterPeriod, data: bytes) -> int:
    """Set the draft's cells from a sheet laid out like the export; returns the number of cells changed.

    Cells the sheet lists and the draft already holds are left alone; an empty post clears the cell.
    """
    period = RosterPeriod.objects.select_for_update().select_related("unit").get(pk=period.pk)
    if actor is not None and not selectors.can_schedule(actor, period.unit):
        raise PermissionDenied(f"you may not compile the roster of {period.unit.name}")
    if period.status == RosterPeriod.Status.PUBLISHED and selectors.draft_of(period) is None:
        raise ValidationError(
            {"file": "ROS-03: the roster is published; it changes only through a correction (a new version)"}
        )
    sheets = read_workbook(data)
    header_errors = [message for ws in sheets for message in _check_header(ws)]
    if header_errors:
        raise ValidationError({"file": header_errors})
    errors, people = _Errors(), _People(period)
    wanted = [cell for ws in sheets for cell in _wanted_cells(ws, period, people, errors)]
    changed = 0
    draft = selectors.draft_of(period)
    current: dict[tuple[dt.date, int, str], set[int]] = {}
    for a in selectors.assignments_of(draft):
        current.setdefault((a.date, a.shift_type_id, a.post), set()).add(a.person_id)
    for title, row_number, column, day, shift, post, chosen in wanted:
        if current.get((day, shift.pk, post), set()) == {p.pk for p in chosen}:
            continue
        try:
            services.assignment_set(actor=actor, period=period, day=day, shift_type=shift, post=post, people=chosen)
        except ValidationError as error:
            errors.add(title, row_number, column, "; ".join(error.messages))
        else:
            changed += 1
    if errors.items:
        raise ValidationError({"file": errors.items})
    audit.record(
        actor=actor,
        action="roster.period.import_xlsx",
        object_type="roster_period",
        object_id=period.public_id,
        after={"cells_changed": changed, "days": len({c[3] for c in wanted})},
    )
    return changed
