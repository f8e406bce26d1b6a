"""Importing a year's official arrangement (CSV date,kind,name): validated, atomic, audited; the year
stops being provisional."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from zhiban.accounts.models import User
from zhiban.calendar import services
from zhiban.calendar.importing import ArrangementInvalid
from zhiban.calendar.models import CalendarDay, CalendarYear, Kind, Source
from zhiban.calendar.tests.conftest import snapshot
from zhiban.core.models import AuditEvent

pytestmark = pytest.mark.django_db

# A plausible 2027 notice: 元旦 1 Jan (Fri) to 3 Jan; 春节 5–11 Feb with make-up Sundays; 国庆节 1–7 Oct.
GOOD_2027 = """date,kind,name
2027-01-01,statutory_holiday,元旦
2027-02-05,statutory_holiday,春节
2027-02-06,statutory_holiday,春节
2027-02-07,statutory_holiday,春节
2027-02-08,statutory_holiday,春节
2027-02-09,in_lieu_rest,春节
2027-02-10,in_lieu_rest,春节
2027-02-11,调休休息日,春节
2027-01-31,makeup_workday,春节
2027-02-20,调休上班日,调休上班（春节）
2027-10-01,法定节假日,国庆节
2027-10-02,statutory_holiday,国庆节
2027-10-03,statutory_holiday,国庆节
2027-10-04,in_lieu_rest,国庆节
2027-10-05,in_lieu_rest,国庆节
2027-10-06,in_lieu_rest,国庆节
2027-10-07,in_lieu_rest,国庆节
2027-09-26,makeup_workday,国庆节
2027-10-09,makeup_workday,国庆节
"""


def day(iso: str) -> CalendarDay:
    return CalendarDay.objects.get(date=dt.date.fromisoformat(iso))


def test_cal_01_import_replaces_the_provisional_year(seeded: object) -> None:
    assert CalendarYear.objects.get(year=2027).provisional
    result = services.calendar_year_import(actor=None, data=GOOD_2027.encode(), filename="2027.csv")
    assert (result.year, result.special_days, result.days_written) == (2027, 19, 365)
    year = CalendarYear.objects.get(year=2027)
    assert (year.provisional, year.source) == (False, Source.OFFICIAL_IMPORT)
    assert year.imported_at is not None
    assert (day("2027-02-20").kind, day("2027-02-20").holiday_name, day("2027-02-20").is_working_day) == (
        Kind.MAKEUP_WORKDAY,
        "春节",
        True,
    )
    assert (day("2027-02-11").kind, day("2027-02-11").is_working_day) == (Kind.IN_LIEU_REST, False)
    assert day("2027-10-09").is_working_day is True  # make-up Saturday
    # Days the notice does not list are ordinary, whatever the library had guessed.
    assert (day("2027-04-05").kind, day("2027-04-05").holiday_name) == (Kind.WORKDAY, "")
    assert day("2027-10-10").kind == Kind.WEEKEND
    assert not CalendarDay.objects.filter(date__year=2027, provisional=True).exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    # 2026 is untouched.
    assert day("2026-10-01").source == Source.CHINESECALENDAR


def test_cal_01_import_is_audited_with_before_and_after(seeded: object, sysadmin: User) -> None:
    services.calendar_year_import(actor=sysadmin, data=GOOD_2027.encode(), filename="2027.csv")
    (event,) = AuditEvent.objects.filter(action="calendar.year.import")
    assert event.actor == sysadmin
    assert event.object_id == "2027"
    assert event.summary["before"]["provisional"] is True
    assert {"date": "2027-10-01", "kind": "statutory_holiday", "name": "国庆节"} in event.summary["before"][
        "special_days"
    ]
    assert event.summary["after"]["provisional"] is False
    assert len(event.summary["after"]["special_days"]) == 19
    assert event.summary["filename"] == "2027.csv"
    assert len(event.summary["sha256"]) == 64


def test_cal_01_import_accepts_a_utf8_bom_and_crlf(db: None) -> None:
    data = "\ufeff" + GOOD_2027.replace("\n", "\r\n")
    result = services.calendar_year_import(actor=None, data=data.encode("utf-8"))
    assert result.year == 2027
    assert day("2027-01-01").holiday_name == "元旦"


def test_cal_01_import_into_a_year_never_seeded(db: None) -> None:
    services.calendar_year_import(actor=None, data=GOOD_2027.encode(), year=2027)
    assert CalendarYear.objects.get(year=2027).provisional is False
    assert CalendarDay.objects.count() == 365


BAD_FILES = [
    pytest.param(b"", "row 1: the file is empty", id="empty"),
    pytest.param(
        "日期,类别\n2027-01-01,statutory_holiday\n".encode(), "row 1: the first row must be the header", id="header"
    ),
    pytest.param(b"2027-01-01,statutory_holiday,New Year\n", "row 1: the first row must be the header", id="no-header"),
    pytest.param(b"date,kind,name\n2027-01-01,statutory_holiday\n", "row 2: expected 3 columns", id="two-columns"),
    pytest.param(
        "date,kind,name\n2027-01-01,statutory_holiday,元旦,x\n".encode(), "row 2: expected 3 columns", id="four-columns"
    ),
    pytest.param(
        "date,kind,name\n2027-01-01,statutory_holiday,元旦\n2027-02-30,statutory_holiday,春节\n".encode(),
        "row 3, column date: '2027-02-30' is not a date",
        id="bad-date",
    ),
    pytest.param(
        "date,kind,name\n2027-01-01,statutory_holiday,元旦\n2027-01-01,statutory_holiday,元旦\n".encode(),
        "row 3, column date: 2027-01-01 is already given in row 2",
        id="duplicate-date",
    ),
    pytest.param(
        "date,kind,name\n2027-01-01,statutory_holiday,元旦\n2028-01-01,statutory_holiday,元旦\n".encode(),
        "row 3, column date: 2028-01-01 is not in 2027",
        id="wrong-year",
    ),
    pytest.param(
        "date,kind,name\n2027-01-01,holiday,元旦\n".encode(), "row 2, column kind: unknown kind 'holiday'", id="kind"
    ),
    pytest.param(
        "date,kind,name\n2027-01-01,statutory_holiday,元旦\n2027-02-05,statutory_holiday,春节\n".encode("gbk"),
        "row 2: the file is not UTF-8",
        id="gbk",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
def test_cal_01_malformed_import_writes_nothing(seeded: object, data: bytes, message: str) -> None:
    before = snapshot()
    with pytest.raises(ArrangementInvalid) as raised:
        services.calendar_year_import(actor=None, data=data)
    assert any(m.startswith(message) for m in raised.value.messages(chinese=False)), raised.value.messages(False)
    assert snapshot() == before


def test_cal_01_import_refuses_a_date_outside_the_year_asked_for(seeded: object) -> None:
    before = snapshot()
    with pytest.raises(ArrangementInvalid) as raised:
        services.calendar_year_import(actor=None, data=GOOD_2027.encode(), year=2026)
    messages = raised.value.messages(chinese=False)
    assert len(messages) == 19
    assert messages[0] == "row 2, column date: 2027-01-01 is not in 2026"
    assert raised.value.messages(chinese=True)[0] == "第2行 date 列：2027-01-01 不在2026年内"
    assert snapshot() == before


def test_cal_01_import_every_bad_row_is_reported_at_once(seeded: object) -> None:
    data = "date,kind,name\n2027-13-01,statutory_holiday,元旦\n2027-10-08,makeup_workday,国庆节\n2027-10-09,x,国庆节\n"
    with pytest.raises(ArrangementInvalid) as raised:
        services.calendar_year_import(actor=None, data=data.encode(), year=2027)
    assert [(f.details["row"], f.details["column"]) for f in raised.value.findings] == [
        (2, "date"),
        (3, "kind"),
        (4, "kind"),
    ]


@pytest.mark.parametrize("who", ["staff_a", "head_b"])
def test_cal_01_only_the_system_administrator_imports(org_tree: dict, seeded: object, who: str) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.calendar_year_import(actor=org_tree[who].user, data=GOOD_2027.encode())
    assert snapshot() == before


def test_import_command_good_and_bad_file(seeded: object, tmp_path: Path) -> None:
    good = tmp_path / "2027.csv"
    good.write_text(GOOD_2027, encoding="utf-8")
    output = StringIO()
    call_command("calendar", "import", str(good), stdout=output)
    assert "2027: imported 19 special days; 365 days written" in output.getvalue()
    assert CalendarYear.objects.get(year=2027).provisional is False
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2027-10-08,makeup_workday,国庆节\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=r"must be a Saturday or Sunday|只能是星期六或星期日"):
        call_command("calendar", "import", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("calendar", "import", str(tmp_path / "missing.csv"))
    assert snapshot() == before
