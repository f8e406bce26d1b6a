"""ROS-06 xlsx: the export's layout, the round trip (export → import → same roster), and refused imports
(row-numbered errors naming the column, nothing written)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.core.models import AuditEvent
from zhiban.roster import selectors, services
from zhiban.roster.exports import printing, xlsx
from zhiban.roster.models import Assignment, RosterPeriod, ShiftType
from zhiban.roster.tests.conftest import DECEMBER, fill_day

pytestmark = pytest.mark.django_db

DEC_3, DEC_4 = dt.date(2026, 12, 3), dt.date(2026, 12, 4)


def _cells(period: RosterPeriod) -> set[tuple[dt.date, str, str, str]]:
    version = selectors.draft_of(period) or period.published_version
    return {(a.date, a.shift_type.code, a.post, a.person.name) for a in selectors.assignments_of(version)}


def _export(period: RosterPeriod) -> bytes:
    version = selectors.draft_of(period) or period.published_version
    return xlsx.workbook_bytes(printing.month_sheets(period, version))


def night_shift(roster_org: dict[str, Any]) -> ShiftType:
    """A night shift of two officers across midnight (winter hours differ), beside the pack's own."""
    return ShiftType.objects.create(
        organisation=roster_org["org"],
        code="night",
        name="夜班",
        summer_start=dt.time(20),
        summer_end=dt.time(8),
        winter_start=dt.time(19),
        winter_end=dt.time(8),
        day_kinds=["workday", "rest_day", "holiday"],
        officers=2,
        is_night=True,
        sort_order=9,
    )


@pytest.fixture
def night(roster_org: dict[str, Any]) -> ShiftType:
    return night_shift(roster_org)


def _filled(roster_org: dict[str, Any], night: ShiftType | None = None) -> RosterPeriod:
    period = services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, period, DEC_3)
    fill_day(roster_org, period, DEC_4, officer=roster_org["staff_b"])
    if night is not None:
        services.assignment_set(
            actor=None,
            period=period,
            day=DEC_4,
            shift_type=night,
            post="duty_officer",
            people=[roster_org["staff_a"], roster_org["head_a"]],
        )
    return period


def test_ros_06_xlsx_export_layout(roster_org: dict[str, Any]) -> None:
    period = _filled(roster_org)
    book = load_workbook(io.BytesIO(_export(period)))
    ws = book["2026年12月"]
    assert ws["A1"].value == "市局2026年12月值班表（草稿）"
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    assert tuple(c.value for c in ws[2]) == printing.COLUMNS
    assert ws["A5"].value.date() == DEC_3
    assert ws["B5"].value == "星期四"
    assert (ws["C5"].value, ws["D5"].value, ws["F5"].value) == ("leader", "staff_a", "driver")
    assert ws["A5"].border.left.style == "thin"
    assert ws.column_dimensions["E"].width > ws.column_dimensions["A"].width
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1
    assert ws["A33"].value.date() == DECEMBER[1]
    assert ws["A34"].value is None  # one empty row, then the footer
    assert str(ws["A35"].value).startswith("值班室电话")


def test_ros_06_xlsx_round_trip_gives_the_same_assignments(roster_org: dict[str, Any], night: ShiftType) -> None:
    source = _filled(roster_org, night)
    data = _export(source)
    expected = {(d, s, p, n) for d, s, p, n in _cells(source)}
    target_unit = roster_org["dept_a"]
    target = services.period_open(actor=None, unit=target_unit, start=DECEMBER[0], end=DECEMBER[1])
    changed = xlsx.roster_import_xlsx(actor=roster_org["secretary"].user, period=target, data=data)
    assert changed == 7  # 3 + 3 + the night officers of 4 December
    assert _cells(target) == expected
    assert AuditEvent.objects.filter(action="roster.period.import_xlsx", object_id=target.public_id).count() == 1
    # importing the same sheet again changes nothing
    assert xlsx.roster_import_xlsx(actor=roster_org["secretary"].user, period=target, data=data) == 0
    assert _cells(target) == expected


def _sheet(rows: list[list[Any]], header: tuple[str, ...] = printing.COLUMNS) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "2026年12月"
    ws["A1"] = "市局2026年12月值班表"
    for index, title in enumerate(header, start=1):
        ws.cell(row=2, column=index, value=title)
    for number, row in enumerate(rows, start=3):
        for index, value in enumerate(row, start=1):
            ws.cell(row=number, column=index, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _refused(roster_org: dict[str, Any], period: RosterPeriod, data: bytes) -> list[str]:
    before = (Assignment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(services.ValidationError) as error:
        xlsx.roster_import_xlsx(actor=roster_org["secretary"].user, period=period, data=data)
    assert (Assignment.objects.count(), AuditEvent.objects.count()) == before
    return error.value.messages


@pytest.fixture
def empty_period(roster_org: dict[str, Any]) -> RosterPeriod:
    return services.period_open(actor=None, unit=roster_org["org"], start=DECEMBER[0], end=DECEMBER[1])


def test_ros_06_xlsx_import_refuses_a_wrong_header(roster_org: dict[str, Any], empty_period: RosterPeriod) -> None:
    header = ("日期", "星期", "值班人员", "带班领导", "联系电话", "驾驶员", "备注")
    messages = _refused(roster_org, empty_period, _sheet([[DEC_3, "", "staff_a", "leader"]], header))
    assert len(messages) == 1
    assert "第2行" in messages[0]
    assert "header" in messages[0]


def test_ros_06_xlsx_import_names_row_and_column_of_each_error_and_writes_nothing(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    rows: list[list[Any]] = [
        [dt.datetime(2026, 12, 1), "星期二", "leader", "staff_a", "", "driver"],  # fine on its own
        [dt.datetime(2026, 12, 2), "星期三", "", "nobody", "", ""],  # unknown person
        ["12月32日", "", "", "staff_a", "", ""],  # bad date
        [dt.datetime(2027, 1, 5), "", "", "staff_a", "", ""],  # outside the period
        [dt.datetime(2026, 12, 6), "", "", "guard", "", ""],  # ORG-03: a security guard
        [dt.datetime(2026, 12, 7), "", "staff_b", "", "", ""],  # not a leader
        [dt.datetime(2026, 12, 8), "", "", "outsider", "", ""],  # ORG-03: another organisation
    ]
    messages = _refused(roster_org, empty_period, _sheet(rows))
    text = "\n".join(messages)
    assert "第3行" not in text  # the good row has no error, but it was not written either
    assert any("第4行 值班人员" in m and "nobody" in m for m in messages)
    assert any("第5行 日期" in m and "not a date" in m for m in messages)
    assert any("第6行 值班人员" in m and "outside the period" in m for m in messages)
    assert any("第7行 值班人员" in m and "ORG-03" in m for m in messages)
    assert any("第8行 带班领导" in m and "ROS-01" in m for m in messages)
    assert any("第9行 值班人员" in m and "ORG-03" in m for m in messages)
    assert len(messages) == 6


def test_ros_06_xlsx_import_accepts_text_dates_of_the_title_year(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    data = _sheet([["12月3日", "星期四", "leader", "staff_a", "", "driver"]])
    assert xlsx.roster_import_xlsx(actor=roster_org["secretary"].user, period=empty_period, data=data) == 3
    assert (DEC_3, "duty", "duty_leader", "leader") in _cells(empty_period)


def test_ros_06_xlsx_import_refuses_a_file_that_is_not_a_workbook(
    roster_org: dict[str, Any], empty_period: RosterPeriod
) -> None:
    messages = _refused(roster_org, empty_period, b"not a workbook")
    assert "not an xlsx workbook" in messages[0]


def test_ros_03_xlsx_import_into_a_published_roster_without_draft_is_refused(roster_org: dict[str, Any]) -> None:
    period = _filled(roster_org)
    services.period_publish(actor=None, period=period)
    messages = _refused(roster_org, period, _export(period))
    assert "ROS-03" in messages[0]


def test_import_page_uploads_and_shows_row_errors(roster_org: dict[str, Any], empty_period: RosterPeriod) -> None:
    client = verified_client(roster_org["secretary"].user)
    url = f"/roster/{empty_period.public_id}/import/"
    assert client.get(url).status_code == 200
    bad = io.BytesIO(_sheet([[dt.datetime(2026, 12, 2), "", "", "nobody", "", ""]]))
    bad.name = "bad.xlsx"
    response = client.post(url, {"file": bad})
    assert response.status_code == 422
    assert "第3行 值班人员" in response.content.decode()
    good = io.BytesIO(_sheet([[dt.datetime(2026, 12, 2), "", "leader", "staff_a", "", "driver"]]))
    good.name = "good.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert Assignment.objects.filter(version__period=empty_period).count() == 3


def test_export_download_shows_a_viewer_the_published_roster_only(roster_org: dict[str, Any]) -> None:
    period = _filled(roster_org)
    url = f"/roster/{period.public_id}/roster.xlsx"
    assert client_for(roster_org["staff_a"]).get(url).status_code == 404  # a draft only
    draft = verified_client(roster_org["secretary"].user).get(url)
    assert draft.status_code == 200
    assert load_workbook(io.BytesIO(draft.content))["2026年12月"]["A1"].value.endswith("（草稿）")
    services.period_publish(actor=None, period=period)
    response = client_for(roster_org["staff_a"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.XLSX_TYPE
    ws = load_workbook(io.BytesIO(response.content))["2026年12月"]
    assert ws["A1"].value == "市局2026年12月值班表"
    assert ws["D6"].value == "staff_b"
