"""xlsx export of the printable roster (same layout, one sheet per month) and import of such a sheet
into a period's draft (ROS-06). The import sets each cell through `services.assignment_set`, so every
rule (date in the period, ORG-03, qualification, one post per shift) has one implementation; it is
atomic: on any error nothing is written and every error names its row and column.

Every text cell is written inert (`zhiban.core.spreadsheet`). The import reads every row of every sheet
or refuses the file: it refuses formulas, error values and merged cells among the days, and anything
outside the table; blank rows are skipped, never taken as the end; names are matched against the
organisation's people, so a name with a space or a `/` reads back as itself, and a cell that could mean
two different sets of people is refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Collection, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zhiban.accounts.models import User
from zhiban.core import audit
from zhiban.core.spreadsheet import SpreadsheetError, cell_text, cell_value, is_formula, load_xlsx
from zhiban.org.models import Person
from zhiban.org.scopes import organisation_of
from zhiban.roster import selectors, services
from zhiban.roster.exports.forms import MAX_UPLOAD_BYTES
from zhiban.roster.exports.printing import COLUMNS, MonthSheet
from zhiban.roster.models import Post, RosterPeriod, ShiftType

WIDTHS = (11, 11, 16, 26, 34, 12, 18)
POST_COLUMNS = {2: Post.DUTY_LEADER, 3: Post.DUTY_OFFICER, 5: Post.STANDBY_DRIVER}
HEADER_ROW = 2
# A month is at most 31 days plus the footer; a sheet with values further down is refused, never cut short.
MAX_SHEET_ROWS = 400
MAX_CELL_CHARACTERS = 2000
SEPARATOR = re.compile(r"[、,，;；/\s]")  # between names in a cell
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
    ws["A1"] = cell_value(sheet.title + ("（草稿）" if sheet.draft else ""))
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = _CENTRE
    ws.row_dimensions[1].height = 30
    for index, (title, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=index, value=cell_value(title))
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
            cell = ws.cell(row=row_number, column=index, value=cell_value(value))
            cell.border, cell.alignment = _BORDER, _CENTRE
        ws.cell(row=row_number, column=1).number_format = 'm"月"d"日"'
    footer = [
        f"值班室电话：{sheet.duty_phone or '—'}　传真：{sheet.fax or '—'}",
        *(f"{n}. {line}" for n, line in enumerate(sheet.requirements, start=1)),
        f"编制：{sheet.compiler}　"
        + (f"发布日期：{sheet.published:%Y年%m月%d日}" if sheet.published else "未发布")
        + (f"（第{sheet.version}版）" if sheet.version else ""),
    ]
    row_number += 1  # one empty row ends the table
    for line in footer:
        row_number += 1
        ws.merge_cells(f"A{row_number}:{last}{row_number}")
        ws.cell(row=row_number, column=1, value=cell_value(line)).alignment = Alignment(
            wrap_text=True, vertical="center"
        )
    ws.page_setup.orientation = "portrait" if sheet.portrait else "landscape"  # ROS-06 `paper`
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


def _column_name(row: int, index: int) -> str:
    """The header of a table column (0-based), or the sheet's column letter above or beside the table."""
    return COLUMNS[index] if row > HEADER_ROW and index < len(COLUMNS) else f"{get_column_letter(index + 1)}列"


def _cell_date(value: Any, year: int | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        value = cell_text(value)
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


def _readings(text: str, known: Collection[str]) -> tuple[int, list[tuple[str, ...]]]:
    """The fewest names not in `known` that `text` can be read with, and up to two readings that do so.

    A reading is a list of names with separators (、 , ， ; ； / whitespace) between them; a name in
    `known` may itself hold separators ("Anna Schmidt", "A/B"), anything else is read up to the next
    separator. Two readings means the text is ambiguous."""
    longest = max((len(name) for name in known), default=0)
    end = len(text)
    is_separator = [bool(SEPARATOR.match(character)) for character in text]
    # best[i]: the reading of text[i:] when a name starts at i; after[j]: once a name ended at j
    best: list[tuple[int, list[tuple[str, ...]]] | None] = [None] * (end + 1)
    after: list[tuple[int, list[tuple[str, ...]]] | None] = [None] * (end + 1)
    best[end] = after[end] = (0, [()])

    def better(
        a: tuple[int, list[tuple[str, ...]]] | None, b: tuple[int, list[tuple[str, ...]]] | None
    ) -> tuple[int, list[tuple[str, ...]]] | None:
        if a is None or (b is not None and b[0] < a[0]):
            return b
        if b is None or b[0] > a[0]:
            return a
        return a[0], list(dict.fromkeys(a[1] + b[1]))[:2]

    for i in range(end - 1, -1, -1):
        if is_separator[i]:  # a name ended here: more separators, then a name or the end
            after[i] = better(best[i + 1], after[i + 1] if i + 1 < end and is_separator[i + 1] else None)
        candidates: tuple[int, list[tuple[str, ...]]] | None = None
        for j in range(i + 1, min(end, i + longest) + 1):
            name = text[i:j]
            if name in known and after[j] is not None:
                rest = after[j]
                assert rest is not None
                candidates = better(candidates, (rest[0], [(name, *reading) for reading in rest[1]]))
        if not is_separator[i]:
            j = i
            while j < end and not is_separator[j]:
                j += 1
            word, rest = text[i:j], after[j]
            if word not in known and rest is not None:
                candidates = better(candidates, (rest[0] + 1, [(word, *reading) for reading in rest[1]]))
        best[i] = candidates
    start: tuple[int, list[tuple[str, ...]]] | None = best[0]
    for k in range(end):  # separators before the first name
        if not is_separator[k]:
            break
        start = better(start, best[k + 1])
    assert start is not None  # a text of separators reads as no names at all
    return start


def _split_cell(
    value: Any, day_shifts: list[ShiftType], post: str, known: Collection[str]
) -> list[tuple[str | None, list[str]]]:
    """`白班：张三、李四\n夜班：王五` → [("白班", ["张三", "李四"]), ("夜班", ["王五"])]; unlabeled → (None, …).

    A line is labeled when it starts with the name of one of the day's shifts with this post and a colon,
    and the rest reads as the organisation's people; a ValidationError when a line reads two ways."""
    parts: list[tuple[str | None, list[str]]] = []
    text = cell_text(value)
    if len(text) > MAX_CELL_CHARACTERS:
        raise ValidationError(_("the cell is longer than %(count)d characters") % {"count": MAX_CELL_CHARACTERS})
    for line in text.split("\n"):
        if not line.strip():
            continue
        clean: list[tuple[str | None, tuple[str, ...]]] = []
        for shift in day_shifts:
            if shift.headcount(post):
                label = re.match(rf"\s*{re.escape(shift.name)}\s*[：:]", line)
                if label:
                    unknown, readings = _readings(line[label.end() :], known)
                    clean += [(shift.name, reading) for reading in readings if not unknown]
        unknown, readings = _readings(line, known)
        clean += [(None, reading) for reading in readings if not unknown]
        clean = list(dict.fromkeys(clean))
        if len(clean) > 1:
            shown = ["、".join(f"“{name}”" for name in names) or "—" for _label, names in clean[:2]]
            raise ValidationError(
                _("“%(line)s” can be read as %(one)s or as %(other)s; put each name on a line of its own")
                % {"line": line, "one": shown[0], "other": shown[1]}
            )
        if clean:
            parts.append((clean[0][0], list(clean[0][1])))
            continue
        labeled = SHIFT_LABEL.match(line)
        if labeled:  # an unknown shift, or unknown people after a shift: the errors say which
            parts.append((labeled.group(1), list(_readings(labeled.group(2), known)[1][0])))
        else:
            parts.append((None, list(readings[0])))
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


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _filled_cells(ws: Worksheet) -> list[tuple[int, int, Any]]:
    """(row, column, cell) of the cells the file holds, in order: never the whole rectangle up to the last
    cell, which one far-away cell in a crafted file makes huge."""
    return [(row, column, cell) for (row, column), cell in sorted(ws._cells.items())]


def _last_row(ws: Worksheet) -> int:
    return max((row for row, _column, cell in _filled_cells(ws) if not _blank(cell.value)), default=0)


def _rows(ws: Worksheet, year: int | None, errors: _Errors) -> Iterable[tuple[int, tuple[Any, ...]]]:
    """Every row below the header to the last the sheet holds; a blank row is skipped, never the end.

    Below the first blank row, a row with text in its first cell only, and no date there, is the footer
    (值班室电话, the requirements, 编制); any other row is a day. Merged cells in a day's row are refused:
    all but the first read as empty and would clear a post."""
    past_blank = False
    for cells in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=_last_row(ws), max_col=len(COLUMNS)):
        number = cells[0].row
        assert number is not None
        values = tuple(cell.value for cell in cells) + (None,) * (len(COLUMNS) - len(cells))
        if all(_blank(v) for v in values):
            past_blank = True
            continue
        if past_blank and all(_blank(v) for v in values[1:]) and _cell_date(values[0], year) is None:
            continue
        merged = [index for index, cell in enumerate(cells) if isinstance(cell, MergedCell)]
        for index in merged:
            errors.add(ws.title, number, COLUMNS[index], _("merged with the cell beside it; unmerge the cells"))
        if not merged:
            yield number, values


def _refused_cells(ws: Worksheet, errors: _Errors) -> set[tuple[int, int]]:
    """(row, column) of formulas (their result is not in the file to read), error values and values outside
    the table, each with its error."""
    refused = set()
    for row, column, cell in _filled_cells(ws):
        where = (ws.title, row, _column_name(row, column - 1))
        if is_formula(cell):
            errors.add(*where, _("the cell holds a formula; type the value instead"))
        elif cell.data_type == "e":
            errors.add(*where, _("the cell shows an error (%s)") % cell.value)
        elif column > len(COLUMNS) and row >= HEADER_ROW and not _blank(cell.value):
            errors.add(*where, _("outside the table; remove it or move it into 备注"))
        else:
            continue
        refused.add((row, column))
    return refused


def _wanted_cells(
    ws: Worksheet, period: RosterPeriod, people: _People, errors: _Errors
) -> list[tuple[str, int, str, dt.date, ShiftType, str, list[Person]]]:
    """(sheet, row, column, date, shift, post, people) for every post of every day listed in the sheet."""
    shifts = selectors.shift_types_for(period.unit)
    kinds = selectors.day_kinds(period.unit, period.start, period.end)
    refused = _refused_cells(ws, errors)
    year = _title_year(ws["A1"].value) if (1, 1) not in refused else None
    wanted = []
    for row_number, values in _rows(ws, year, errors):
        if (row_number, 1) in refused:
            continue
        day = _cell_date(values[0], year)
        if day is None:
            errors.add(ws.title, row_number, COLUMNS[0], f"{values[0]!r} is not a date")
            continue
        kind = kinds.get(day) or selectors.day_kinds(period.unit, day, day)[day]
        day_shifts = [s for s in shifts if s.applies_to(kind)]
        for column, post in POST_COLUMNS.items():
            if (row_number, column + 1) in refused:
                continue
            by_shift: dict[int, list[Person]] = {s.pk: [] for s in day_shifts if s.headcount(post)}
            try:
                parts = _split_cell(values[column], day_shifts, str(post), people.own)
            except ValidationError as error:
                errors.add(ws.title, row_number, COLUMNS[column], "; ".join(error.messages))
                continue
            for label, names in parts:
                try:
                    shift = _shift_for(label, day_shifts, post)
                    by_shift[shift.pk] += [people.find(name) for name in names]
                except ValidationError as error:
                    errors.add(ws.title, row_number, COLUMNS[column], "; ".join(error.messages))
            for shift in day_shifts:
                if shift.pk in by_shift:
                    wanted.append((ws.title, row_number, COLUMNS[column], day, shift, str(post), by_shift[shift.pk]))
    return wanted


def _check_sheet(ws: Worksheet) -> list[str]:
    last = _last_row(ws)
    if last > MAX_SHEET_ROWS:
        return [
            _("%(sheet)s: values down to row %(row)d; a roster sheet ends by row %(limit)d")
            % {"sheet": ws.title, "row": last, "limit": MAX_SHEET_ROWS}
        ]
    found = [cell_text(c.value).strip() for c in ws[HEADER_ROW][: len(COLUMNS)]]
    if tuple(found) != COLUMNS:
        return [f"{ws.title} 第{HEADER_ROW}行: the header must read {' · '.join(COLUMNS)}, not {' · '.join(found)}"]
    return []


def read_workbook(data: bytes) -> list[Worksheet]:
    """The sheets of the file, formulas kept as formulas so that the import can refuse them."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 2 MB.")})
    try:
        book = load_xlsx(data)
    except SpreadsheetError as error:
        raise ValidationError({"file": f"not an xlsx workbook ({error})"}) from error
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
        # ROS-03 change_only_by_request, through the engine (citing pack, clause and version); with no policy that
        # declares it, a published roster is still not overwritten by a file
        services.enforce_change(period, published=True, channel="import")
        raise ValidationError({"file": "the roster is published; it changes only through a correction (a new version)"})
    sheets = read_workbook(data)
    sheet_errors = [message for ws in sheets for message in _check_sheet(ws)]
    if sheet_errors:
        raise ValidationError({"file": sheet_errors})
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
