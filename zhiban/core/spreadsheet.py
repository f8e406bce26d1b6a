"""Spreadsheet cells that never become formulas (OWASP "CSV injection"), for every xlsx writer and import.

Writing: every value an xlsx writer puts in a cell goes through `cell_value` (or `cell_values` for a
row). Text that starts with `=`, `+`, `-`, `@`, a tab or a line break (CR or LF) gets a leading `'`, and so
does text that already starts with `'`, so the mark can be taken off again without guessing. The cell
is then stored as plain text (openpyxl would otherwise store any text starting with `=` as a formula);
Excel and WPS show the `'` and never evaluate the cell, and a copy saved as CSV keeps the `'`, so the
program that reads that CSV does not evaluate it either. Characters XML cannot carry become U+FFFD
instead of failing the whole export. Numbers, dates, booleans and None pass through unchanged.

Reading: `cell_text` takes the mark off again, and `is_formula` tells the imports which cells to refuse:
a formula cell has no value of its own (openpyxl reads it as empty unless Excel cached a result), so an
import never guesses one. `load_xlsx` opens an uploaded workbook for an import: formulas kept as formulas,
and refused when it would unpack to more than MAX_UNPACKED_BYTES.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from openpyxl import Workbook, load_workbook

ESCAPE = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# 5,000 people unpack to about 3.4 MB and a month's roster to well under 1 MB.
MAX_UNPACKED_BYTES = 16 * 2**20
# What XML 1.0 cannot hold (openpyxl refuses it with IllegalCharacterError).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_value(value: Any) -> Any:
    """The value to write into a cell: text made inert, anything else unchanged."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("\ufffd", value)
    if value.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + value
    return value


def cell_values(values: Iterable[Any]) -> list[Any]:
    """A row for `Worksheet.append`, every cell through `cell_value`."""
    return [cell_value(value) for value in values]


def cell_text(value: Any) -> str:
    """The text of a cell as read back: `cell_value`'s mark taken off; None is ""."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(ESCAPE) and text[1:2] in (*FORMULA_STARTS, ESCAPE):
        return text[1:]
    return text


def is_formula(cell: Any) -> bool:
    """Whether an openpyxl cell (loaded without `data_only`) holds a formula."""
    return getattr(cell, "data_type", None) == "f"


class SpreadsheetError(ValueError):
    """The bytes are not an xlsx workbook that can be read safely."""


def load_xlsx(data: bytes, *, read_only: bool = False) -> Workbook:
    """The workbook in `data` with formulas kept as formulas (so that an import can refuse them), after
    checking that it unpacks to at most MAX_UNPACKED_BYTES: a small file must not fill the memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SpreadsheetError(type(error).__name__) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise SpreadsheetError(type(error).__name__) from error
