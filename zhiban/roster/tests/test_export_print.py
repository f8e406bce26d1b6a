"""ROS-06 printable roster: the month sheet's layout and content, and its PDF (pages, text, CJK glyphs)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest

from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.calendar.models import CalendarDay
from zhiban.core import clock
from zhiban.roster import services
from zhiban.roster.exports import pdf, printing
from zhiban.roster.models import RosterPeriod, ShiftType
from zhiban.roster.tests.conftest import DECEMBER, fill_day

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)


def _calendar_day(day: dt.date, kind: str, name: str, working: bool) -> None:
    CalendarDay.objects.update_or_create(
        date=day,
        defaults={
            "kind": kind,
            "holiday_name": name,
            "is_working_day": working,
            "source": "manual_correction",
            "updated_at": clock.now(),
        },
    )


@pytest.fixture
def published(roster_org: dict[str, Any]) -> RosterPeriod:
    """市局's December roster with 3 December filled, a make-up workday and 元旦's eve marked, published."""
    org = roster_org["org"]
    org.duty_phone, org.fax = "010-12345678", "010-87654321"
    org.save()
    roster_org["leader"].office_phone, roster_org["leader"].mobile = "010-1111", "13900000001"
    roster_org["leader"].save()
    _calendar_day(dt.date(2026, 12, 5), "makeup_workday", "", True)
    _calendar_day(dt.date(2026, 12, 31), "statutory_holiday", "元旦", False)
    period = services.period_open(actor=None, unit=org, start=DECEMBER[0], end=DECEMBER[1])
    fill_day(roster_org, period, DEC_3)
    services.period_publish(actor=roster_org["secretary"].user, period=period)
    period.refresh_from_db()
    return period


def _row(page: str, day: dt.date) -> str:
    return page.split(f'id="day-{day:%Y%m%d}"')[1].split("</tr>")[0]


def test_ros_06_print_page_lays_out_the_month_as_offices_do(roster_org: dict[str, Any], published: Any) -> None:
    page = client_for(roster_org["staff_a"]).get(f"/roster/{published.public_id}/print/").content.decode()
    assert "市局2026年12月值班表" in page
    for column in printing.COLUMNS:
        assert f"<th>{column}</th>" in page
    assert page.count('id="day-') == 31
    row = _row(page, DEC_3)
    assert "12月3日" in row
    assert "星期四" in row
    assert "leader" in row
    assert "staff_a" in row
    assert "driver" in row
    assert "010-1111 13900000001" in row
    assert "调休上班" in _row(page, dt.date(2026, 12, 5))
    assert "元旦" in _row(page, dt.date(2026, 12, 31))
    assert "调休上班" not in _row(page, dt.date(2026, 12, 6))
    assert "值班室电话：010-12345678" in page
    assert "传真：010-87654321" in page
    assert "编制：市局" in page  # the secretary who published sits in 市局
    assert "发布日期：2026年11月20日" in page
    assert "草稿" not in page
    assert 'style="' not in page
    assert "print.css" in page


def test_ros_06_print_sheet_splits_day_and_night_and_marks_the_draft(roster_org: dict[str, Any]) -> None:
    org = roster_org["org"]
    night = ShiftType.objects.create(
        organisation=org,
        code="night",
        name="夜班",
        summer_start=dt.time(20),
        summer_end=dt.time(8),
        winter_start=dt.time(19),
        winter_end=dt.time(8),
        day_kinds=["workday", "rest_day", "holiday"],
        officers=1,
        sort_order=9,
    )
    period = services.period_open(actor=None, unit=org, start=DEC_3, end=DEC_3)
    fill_day(roster_org, period, DEC_3)
    services.assignment_set(
        actor=None, period=period, day=DEC_3, shift_type=night, post="duty_officer", people=[roster_org["staff_b"]]
    )
    page = verified_client(roster_org["secretary"].user).get(f"/roster/{period.public_id}/print/").content.decode()
    row = _row(page, DEC_3)
    assert "值班（坐班+电话值班）：staff_a<br>夜班：staff_b" in row
    assert "夜班 19:00–08:00" in row  # December: the winter times (CAL-03)
    assert "（草稿）" in page
    assert "未发布" in page


def test_ros_06_a_period_over_two_months_prints_two_sheets(roster_org: dict[str, Any]) -> None:
    period = services.period_open(
        actor=None, unit=roster_org["org"], start=dt.date(2026, 12, 30), end=dt.date(2027, 1, 2)
    )
    sheets = printing.month_sheets(period, None)
    assert [s.title for s in sheets] == ["市局2026年12月值班表", "市局2027年1月值班表"]
    assert [len(s.rows) for s in sheets] == [2, 2]


def test_ros_06_sheet_title_names_the_department_after_the_organisation(roster_org: dict[str, Any]) -> None:
    assert printing.sheet_title(roster_org["dept_a"], 2026, 12) == "市局办公室2026年12月值班表"


def test_ros_06_pdf_has_one_page_per_month_with_the_chinese_text(
    roster_org: dict[str, Any], published: Any, tmp_path: Path
) -> None:
    response = client_for(roster_org["staff_a"]).get(f"/roster/{published.public_id}/roster.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    target = tmp_path / "roster.pdf"
    target.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    assert "841.92 x 594.96" in info  # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True)
    words = "".join(text.stdout.split())  # -layout spaces glyphs by position, which varies with the font's metrics
    assert "2026年12月值班表" in words
    assert "带班领导" in words
    assert "调休上班" in words
    assert "元旦" in words
    # page 1 as an image: the title is drawn in ink at the top centre (checked by eye as well)
    assert _title_ink(target, tmp_path) > 0.02


def _title_ink(target: Path, tmp_path: Path) -> float:
    """Share of dark pixels in the title band of page 1 (pdftoppm to a binary grey map)."""
    command = ["pdftoppm", "-r", "50", "-gray", "-f", "1", "-l", "1", str(target), str(tmp_path / "p")]
    subprocess.run(command, check=True)
    raw = next(tmp_path.glob("p*.pgm")).read_bytes()
    fields = raw.split(maxsplit=4)  # P5, width, height, maxval, pixels
    width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
    band = [pixels[y * width + x] for y in range(height // 40, height // 12) for x in range(width // 3, 2 * width // 3)]
    return sum(1 for value in band if value < 128) / len(band)


def test_ros_06_pdf_of_two_months_has_two_pages(roster_org: dict[str, Any], tmp_path: Path) -> None:
    period = services.period_open(
        actor=None, unit=roster_org["org"], start=dt.date(2026, 12, 1), end=dt.date(2027, 1, 31)
    )
    target = tmp_path / "two.pdf"
    target.write_bytes(pdf.render_pdf(pdf.document_html(printing.month_sheets(period, None))))
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info


def test_pdf_render_error_when_chromium_is_missing(tmp_path: Path) -> None:
    with pytest.raises(pdf.PdfRenderError, match="not installed"):
        pdf.render_pdf("<p>x</p>", chromium=str(tmp_path / "no-chromium"))


def test_pdf_render_gives_up_after_the_timeout(tmp_path: Path) -> None:
    hanging = tmp_path / "hanging-chromium"
    hanging.write_text("#!/bin/sh\nsleep 30\n")
    hanging.chmod(0o755)
    with pytest.raises(pdf.PdfRenderError, match="did not finish"):
        pdf.render_pdf("<p>x</p>", chromium=str(hanging), timeout=0.5)
