"""People import: row-numbered errors naming the column, and nothing written when any row is bad."""

import io

import pytest
from openpyxl import Workbook

from zhiban.core.models import AuditEvent
from zhiban.org.models import Person, Role
from zhiban.org.people_import import PeopleImportError, import_people

pytestmark = pytest.mark.django_db

HEADER = "工号,姓名,单位,人员类别,工种,级别,职务,办公电话,手机,角色\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def messages(error: PeopleImportError) -> list[str]:
    return [str(e) for e in error.row_errors]


def test_imports_csv_with_chinese_headers_and_roles(org_tree: dict) -> None:
    result = import_people(
        actor=None,
        filename="people.csv",
        content=csv_bytes(
            "B001,刘洋,市局/办公室/一站,在编,话务员,中级,科员,0571-1234,13900001111,值班人员、兼职安全员",
            "B002,陈静,办公室,保安,,,,,,",
        ),
    )
    assert (result.created, result.updated) == (2, 0)
    liu = Person.objects.get(employee_number="B001")
    assert liu.unit == org_tree["station_a"]
    assert liu.grade == 2
    assert liu.job_type is not None
    assert liu.job_type.code == "话务员"
    assert set(liu.roles.values_list("role", flat=True)) == {Role.DUTY_OFFICER, Role.SAFETY_OFFICER}
    assert Person.objects.get(employee_number="B002").kind == "guard"


def test_reimport_updates_by_employee_number_and_leaves_unchanged_rows(org_tree: dict) -> None:
    import_people(actor=None, filename="p.csv", content=csv_bytes("B001,刘洋,办公室,,,,,,139,"))
    events = AuditEvent.objects.count()
    result = import_people(
        actor=None, filename="p.csv", content=csv_bytes("B001,刘洋,办公室,,,,,,138,", "B003,赵磊,财务处,,,,,,,")
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert Person.objects.get(employee_number="B001").mobile == "138"
    assert AuditEvent.objects.count() == events + 2


def test_xlsx_import(org_tree: dict) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["employee_number", "name", "unit", "mobile"])
    sheet.append(["X1", "孙悦", "财务处", "13700000000"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_people(actor=None, filename="people.xlsx", content=buffer.getvalue())
    assert result.created == 1
    assert Person.objects.get(employee_number="X1").unit == org_tree["dept_b"]


def test_wrong_columns_name_the_column(org_tree: dict) -> None:
    with pytest.raises(PeopleImportError) as caught:
        import_people(actor=None, filename="p.csv", content=csv_bytes("1,王,办公室", header="工号,姓名,科室\n"))
    text = " ".join(messages(caught.value))
    assert "unknown column “科室”" in text
    assert "required column “单位”" in text
    assert Person.objects.count() == 4


def test_bad_rows_write_nothing_and_name_every_row(org_tree: dict) -> None:
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PeopleImportError) as caught:
        import_people(
            actor=None,
            filename="p.csv",
            content=csv_bytes(
                "B001,刘洋,办公室,,,,,,,",
                "B001,刘洋二,办公室,,,,,,,",
                "B002,,不存在的处,,,特级,,,,",
                "B003,周杰,办公室,临时工,,,,,,队长",
            ),
        )
    found = messages(caught.value)
    assert "row 3, column 工号: B001 already appears in row 2" in found
    assert "row 4, column 姓名: is empty" in found
    assert any(m.startswith("row 4, column 单位: no such unit “不存在的处”") for m in found)
    assert any(m.startswith("row 4, column 级别: unknown grade “特级”") for m in found)
    assert "row 5, column 人员类别: unknown kind “临时工”" in found
    assert "row 5, column 角色: unknown role “队长”" in found
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_non_utf8_file_is_refused_with_its_line(org_tree: dict) -> None:
    content = csv_bytes("B001,刘洋,办公室,,,,,,,")[:-1] + "\nB002,王芳,办公室,,,,,,,\n".encode("gb18030")
    with pytest.raises(PeopleImportError) as caught:
        import_people(actor=None, filename="p.csv", content=content)
    assert messages(caught.value) == ["row 3: the file is not UTF-8 text; save it from Excel as “CSV UTF-8”"]
    assert Person.objects.count() == 4


def test_empty_and_garbage_files(org_tree: dict) -> None:
    with pytest.raises(PeopleImportError, match="empty"):
        import_people(actor=None, filename="p.csv", content=b"")
    with pytest.raises(PeopleImportError, match="not a readable xlsx"):
        import_people(actor=None, filename="p.xlsx", content=b"not a zip")


def test_head_cannot_import_into_another_department(org_tree: dict) -> None:
    with pytest.raises(PeopleImportError) as caught:
        import_people(actor=org_tree["head_a"].user, filename="p.csv", content=csv_bytes("B9,钱多,财务处,,,,,,,"))
    assert messages(caught.value) == ["row 2, column 单位: you do not manage “财务处”"]
    assert not Person.objects.filter(employee_number="B9").exists()


def test_a_failure_in_a_late_row_rolls_back_earlier_rows(org_tree: dict) -> None:
    """Row 3's person number collides after row 2 was written: everything is rolled back."""
    with pytest.raises(PeopleImportError) as caught:
        import_people(
            actor=None,
            filename="p.csv",
            content=csv_bytes(
                "N1,甲,办公室,,,,,,,",
                "N2,乙,办公室,,,,,,,bad@",
                header="工号,姓名,单位,人员类别,工种,级别,职务,办公电话,手机,邮箱\n",
            ),
        )
    assert caught.value.row_errors[0].row == 3
    assert not Person.objects.filter(employee_number__in=["N1", "N2"]).exists()


def test_org_03_import_refuses_a_guard_as_duty_officer_and_writes_nothing(org_tree_bureau: dict) -> None:
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PeopleImportError) as caught:
        import_people(
            actor=None,
            filename="p.csv",
            content=csv_bytes("B001,刘洋,办公室,在编,,,,,,值班人员", "B002,陈静,办公室,保安,,,,,,值班人员"),
        )
    [error] = caught.value.row_errors
    assert error.row == 3
    assert error.message.startswith("ORG-03")
    assert (Person.objects.count(), AuditEvent.objects.count()) == before
