"""ROS-06 through the engine on the printed and exported roster: what each month's sheet lacks (the published
version, a duty's names, a holiday's mark, the duty-room phone) is shown above the sheet on the print page, citing
the pack; the sheet carries its published version; the pack's `paper` and `show_mobile` shape the print, the PDF and
the xlsx."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.policy import services as policy_services
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import Policy
from zhiban.roster import selectors, services
from zhiban.roster.exports import pdf, printing, xlsx
from zhiban.roster.models import RosterPeriod
from zhiban.roster.tests.conftest import fill_day
from zhiban.roster.tests.test_export_print import DEC_3, published  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def override(tree: dict[str, Any], parameter: str, value: Any) -> None:
    live = Policy.objects.get(unit=tree["org"])
    policy_services.policy_parameter_override(
        actor=None, policy=live, rule_id="ROS-06", parameter=parameter, value=value
    )


def codes(sheet: printing.MonthSheet) -> list[str]:
    return [finding.code for finding in sheet.findings]


def test_ros_06_a_published_sheet_with_one_day_filled_reports_the_other_days_and_carries_its_version(
    roster_org: dict[str, Any],
    published: RosterPeriod,  # noqa: F811
) -> None:
    (sheet,) = printing.month_sheets(published, published.published_version)
    assert sheet.version == 1
    assert codes(sheet) == ["ROS-06.every_duty_named"]
    (finding,) = sheet.findings
    assert finding.detail("zh").startswith("市局2026年12月值班表：30天有岗位未写明值班人员（共缺90人）：12月1日")
    assert finding.citation.reference() == "bureau · default · 策略版本 1"
    page = client_for(roster_org["staff_a"]).get(f"/roster/{published.public_id}/print/").content.decode()
    assert 'id="findings-2026-12"' in page
    assert 'data-code="ROS-06.every_duty_named"' in page
    assert "发布日期：2026年11月20日（第1版）" in page


def test_ros_06_a_fully_filled_published_sheet_carries_everything(roster_org: dict[str, Any]) -> None:
    org = roster_org["org"]
    org.duty_phone = "010-12345678"
    org.save()
    period = services.period_open(actor=None, unit=org, start=DEC_3, end=dt.date(2026, 12, 4))
    fill_day(roster_org, period, DEC_3)
    fill_day(roster_org, period, dt.date(2026, 12, 4))
    services.period_publish(actor=None, period=period)
    period.refresh_from_db()
    (sheet,) = printing.month_sheets(period, period.published_version)
    assert sheet.findings == []
    page = client_for(roster_org["staff_a"]).get(f"/roster/{period.public_id}/print/").content.decode()
    assert "print-findings" not in page


def test_ros_06_a_draft_without_a_duty_room_phone_is_reported_on_the_print_page(roster_org: dict[str, Any]) -> None:
    period = services.period_open(actor=None, unit=roster_org["org"], start=DEC_3, end=DEC_3)
    fill_day(roster_org, period, DEC_3)
    page = verified_client(roster_org["secretary"].user).get(f"/roster/{period.public_id}/print/").content.decode()
    assert 'data-code="ROS-06.heading"' in page
    assert "市局2026年12月值班表：尚未公布（草稿），打印件没有公布版本和发布日期，不是正式值班表" in page
    assert 'data-code="ROS-06.duty_phone_shown"' in page
    assert 'data-code="ROS-06.every_duty_named"' not in page


def test_ros_06_show_mobile_off_prints_office_phones_only(
    roster_org: dict[str, Any],
    published: RosterPeriod,  # noqa: F811
) -> None:
    (sheet,) = printing.month_sheets(published, published.published_version)
    assert sheet.rows[2].phones[0] == "leader 010-1111 13900000001"
    override(roster_org, "show_mobile", False)
    (sheet,) = printing.month_sheets(published, published.published_version)
    assert sheet.rows[2].phones[0] == "leader 010-1111"
    page = client_for(roster_org["staff_a"]).get(f"/roster/{published.public_id}/print/").content.decode()
    assert "13900000001" not in page


def test_ros_06_paper_portrait_prints_xlsx_and_pdf_upright(
    roster_org: dict[str, Any],
    published: RosterPeriod,  # noqa: F811
    tmp_path: Path,
) -> None:
    (sheet,) = printing.month_sheets(published, published.published_version)
    assert not sheet.portrait
    override(roster_org, "paper", "A4-portrait")
    sheets = printing.month_sheets(published, published.published_version)
    assert sheets[0].portrait
    page = client_for(roster_org["staff_a"]).get(f"/roster/{published.public_id}/print/").content.decode()
    assert 'class="print-sheet print-portrait"' in page
    book = load_workbook(io.BytesIO(xlsx.workbook_bytes(sheets)))
    assert book["2026年12月"].page_setup.orientation == "portrait"
    target = tmp_path / "portrait.pdf"
    target.write_bytes(pdf.render_pdf(pdf.document_html(sheets)))
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "594.96 x 841.92" in info  # A4 portrait


def test_ros_06_the_xlsx_footer_carries_the_published_version(
    roster_org: dict[str, Any],
    published: RosterPeriod,  # noqa: F811
) -> None:
    book = load_workbook(io.BytesIO(xlsx.workbook_bytes(printing.month_sheets(published, published.published_version))))
    footer = [str(row[0].value) for row in book["2026年12月"].iter_rows(min_row=35) if row[0].value]
    assert footer[-1] == "编制：市局　发布日期：2026年11月20日（第1版）"


def test_ros_03_an_xlsx_import_into_a_published_roster_is_refused_citing_the_rule(
    roster_org: dict[str, Any],
    published: RosterPeriod,  # noqa: F811
) -> None:
    data = xlsx.workbook_bytes(printing.month_sheets(published, published.published_version))
    with pytest.raises(RuleViolationError) as refused:
        xlsx.roster_import_xlsx(actor=roster_org["secretary"].user, period=published, data=data)
    assert refused.value.codes == ["ROS-03.change_only_by_request"]
    assert refused.value.findings[0].citation.pack_id == "bureau"
    assert selectors.draft_of(published) is None
