"""Import of people from CSV (UTF-8) or xlsx, keyed by employee number; all rows or nothing.

Headers may be Chinese or English. Every error names its row (as the spreadsheet numbers it) and
column; if any row is bad, nothing is written. Every row is read or the file is refused: a file over
MAX_BYTES or with more than MAX_ROWS people is refused before it is parsed or written; in an xlsx file,
formulas, error values, a second sheet with data and values in a column without a header are refused.
Text escaped by our own exports (`zhiban.core.spreadsheet`) reads back as it was.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from zhiban.accounts.models import User
from zhiban.core.spreadsheet import SpreadsheetError, cell_text, is_formula, load_xlsx
from zhiban.org import services
from zhiban.org.models import Grade, Person, PersonKind, Role, Unit
from zhiban.org.scopes import UnitScope, unit_scope

# column key → accepted header names (compared case-insensitively, spaces removed)
COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_number": ("工号", "员工编号", "employee_number", "employeenumber"),
    "name": ("姓名", "name"),
    "unit": ("单位", "部门", "unit"),
    "kind": ("人员类别", "类别", "kind"),
    "job_type": ("工种", "job_type", "jobtype"),
    "grade": ("级别", "grade"),
    "title": ("职务", "title"),
    "office_phone": ("办公电话", "office_phone", "officephone"),
    "mobile": ("手机", "mobile"),
    "email": ("邮箱", "email"),
    "roles": ("角色", "roles"),
}
REQUIRED = ("employee_number", "name", "unit")
# A department's staff list is a few hundred rows; 5,000 people or 2 MB is far beyond any real file.
MAX_BYTES = 2 * 2**20
MAX_ROWS = 5000
# How far an xlsx sheet is read: further cells (even empty, formatted ones) refuse the file, so that a
# crafted sheet cannot make the reader walk millions of cells.
MAX_SHEET_ROW = 2 * MAX_ROWS
MAX_COLUMNS = 64

KIND_LABELS = {
    "在编": PersonKind.STAFF,
    "职工": PersonKind.STAFF,
    "员工": PersonKind.STAFF,
    "保安": PersonKind.GUARD,
    "保洁": PersonKind.CLEANER,
    "外包": PersonKind.CONTRACTOR,
    "外单位": PersonKind.CONTRACTOR,
    "其他": PersonKind.OTHER,
}
GRADE_LABELS = {"初级": Grade.JUNIOR, "中级": Grade.INTERMEDIATE, "高级": Grade.SENIOR}
ROLE_LABELS = {str(label): value for value, label in Role.choices} | {
    "值班人员": Role.DUTY_OFFICER,
    "带班领导": Role.DUTY_LEADER,
    "值班领导": Role.DUTY_LEADER,
    "代班司机": Role.STANDBY_DRIVER,
    "秘书处": Role.SECRETARIAT,
    "综合科": Role.SECRETARIAT,
    "处室负责人": Role.DEPARTMENT_HEAD,
    "站长": Role.STATION_HEAD,
    "区域分管领导": Role.REGIONAL_LEADER,
    "班长": Role.TEAM_LEAD,
    "客服部经理": Role.CS_DIRECTOR,
    "中心主任": Role.CENTRE_DIRECTOR,
    "质检员": Role.QA_INSPECTOR,
    "机要员": Role.CONFIDENTIAL_CLERK,
    "兼职保密员": Role.SECRECY_OFFICER,
    "兼职安全员": Role.SAFETY_OFFICER,
    "车管人员": Role.VEHICLE_MANAGER,
    "服务中心": Role.SERVICE_CENTRE,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:  # the file as a whole
            return self.message
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class PeopleImportError(ValidationError):
    """The file was refused; `errors` lists every problem found, each with its row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        self.row_errors = errors
        super().__init__([str(error) for error in errors])


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people: list[Person] = field(default_factory=list)


def check_size(size: int) -> None:
    """Refuse a file over MAX_BYTES before anything reads it."""
    if size > MAX_BYTES:
        message = _("The file is larger than %(size)d MB; nothing was imported.") % {"size": MAX_BYTES // 2**20}
        raise PeopleImportError([RowError(0, "", message)])


def _too_long() -> PeopleImportError:
    message = _("The file has more than %(count)d people or %(rows)d rows; import it in parts.") % {
        "count": MAX_ROWS,
        "rows": MAX_SHEET_ROW,
    }
    return PeopleImportError([RowError(0, "", message)])


def _too_wide(row: int) -> PeopleImportError:
    message = _("the row reaches beyond column %(column)s; delete the columns right of the table") % {
        "column": get_column_letter(MAX_COLUMNS)
    }
    return PeopleImportError([RowError(row, "", message)])


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet's rows (blank ones left out); formulas, error values and other sheets with data
    are refused, so that no cell is read as something it does not show."""
    try:
        book = load_xlsx(content, read_only=True)
    except SpreadsheetError as error:
        raise PeopleImportError([RowError(0, "", f"not a readable xlsx file ({error})")]) from error
    try:
        rows: list[tuple[int, list[str]]] = []
        refused: list[RowError] = []
        header: list[str] = []
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # the file's own claim of its size is not trusted: read what is there
        for number, cells in enumerate(book.worksheets[0].iter_rows(), start=1):
            if number > MAX_SHEET_ROW:
                raise _too_long()
            if len(cells) > MAX_COLUMNS:
                raise _too_wide(number)
            texts = [cell_text(cell.value).strip() for cell in cells]
            for index, cell in enumerate(cells):
                column = header[index] if index < len(header) and header[index] else get_column_letter(index + 1)
                if is_formula(cell):
                    refused.append(RowError(number, column, _("the cell holds a formula; type the value instead")))
                elif cell.data_type == "e":
                    refused.append(RowError(number, column, _("the cell shows an error (%s)") % cell.value))
            if any(texts):
                header = header or texts
                rows.append((number, texts))
                if len(rows) > MAX_ROWS + 1:
                    raise _too_long()
        for sheet in book.worksheets[1:]:
            if _holds_data(sheet):
                message = _("the sheet “%(sheet)s” holds data too; put everyone on the first sheet") % {
                    "sheet": sheet.title
                }
                refused.append(RowError(0, "", message))
                break
    finally:
        book.close()
    if refused:
        raise PeopleImportError(refused)
    return rows


def _holds_data(sheet: Any) -> bool:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_SHEET_ROW:
            raise _too_long()
        if len(values) > MAX_COLUMNS:
            raise _too_wide(number)
        if any(value not in (None, "") for value in values):
            return True
    return False


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise PeopleImportError(
            [RowError(line, "", "the file is not UTF-8 text; save it from Excel as “CSV UTF-8”")]
        ) from error
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            texts = [cell_text(cell).strip() for cell in cells]
            if any(texts):
                rows.append((number, texts))
                if len(rows) > MAX_ROWS + 1:
                    raise _too_long()
    except csv.Error as error:
        raise PeopleImportError([RowError(number + 1, "", f"not readable as CSV ({error})")]) from error
    return rows


def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (row number, cells) of a CSV or xlsx file, blank rows left out."""
    check_size(len(content))
    rows = _xlsx_rows(content) if filename.lower().endswith((".xlsx", ".xlsm")) else _csv_rows(content)
    if not rows:
        raise PeopleImportError([RowError(1, "", "the file is empty")])
    (_number, header), *body = rows
    return header, body


def _map_header(header: list[str]) -> dict[str, int]:
    normalised = [cell.replace(" ", "").lower() for cell in header]
    mapping: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(normalised):
        if not cell:  # a column without a header; a value under it is refused row by row
            continue
        key = next((k for k, names in COLUMNS.items() if cell in {n.lower() for n in names}), None)
        if key is None:
            errors.append(RowError(1, header[index], f"unknown column “{header[index]}”"))
        elif key in mapping:
            errors.append(RowError(1, header[index], "this column appears twice"))
        else:
            mapping[key] = index
    for key in REQUIRED:
        if key not in mapping:
            errors.append(RowError(1, COLUMNS[key][0], f"required column “{COLUMNS[key][0]}” ({key}) is missing"))
    if errors:
        raise PeopleImportError(errors)
    return mapping


def _resolve_unit(text: str, units_by_path: dict[str, Unit]) -> Unit | None:
    key = "/".join(part.strip() for part in text.replace("／", "/").split("/") if part.strip())
    if key in units_by_path:
        return units_by_path[key]
    matches = [unit for path, unit in units_by_path.items() if path.endswith("/" + key) or path == key]
    return matches[0] if len(matches) == 1 else None


def _units_for(scope: UnitScope | None) -> QuerySet[Unit]:
    """The units a file may name: those of the organisations the importer manages in (every unit for the console).
    Another organisation's units are not looked at, so an error never tells that one of them exists."""
    if scope is None or scope.everything:
        return Unit.objects.all()
    organisations = Q(pk__in=[])
    for prefix in scope.prefixes:
        organisations |= Q(path__startswith=prefix.split(".", 1)[0] + ".")
    return Unit.objects.filter(organisations)


def _unit_names(units: list[Unit]) -> dict[str, Unit]:
    by_id = {unit.pk: unit for unit in units}
    names: dict[str, Unit] = {}
    for unit in units:
        chain = [by_id[int(pk)].name for pk in unit.path.split(".") if pk and int(pk) in by_id]
        names["/".join(chain)] = unit
    return names


def import_people(*, actor: User | None, filename: str, content: bytes) -> ImportResult:
    """Create or update people from the file. Atomic: any bad row → PeopleImportError, nothing written."""
    header, body = read_table(filename, content)
    mapping = _map_header(header)
    scope = unit_scope(actor, "manage") if actor is not None else None
    units_by_path = _unit_names(list(_units_for(scope)))
    errors: list[RowError] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}

    def cell(cells: list[str], key: str) -> str:
        index = mapping.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    read = set(mapping.values())
    for number, cells in body:
        row: dict[str, Any] = {key: cell(cells, key) for key in mapping}
        for index, value in enumerate(cells):
            if value and index not in read:
                errors.append(RowError(number, get_column_letter(index + 1), _("a value in a column without a header")))
        for key in REQUIRED:
            if not row.get(key):
                errors.append(RowError(number, COLUMNS[key][0], "is empty"))
        number_key = row.get("employee_number", "")
        if number_key:
            if number_key in seen:
                errors.append(
                    RowError(
                        number, COLUMNS["employee_number"][0], f"{number_key} already appears in row {seen[number_key]}"
                    )
                )
            seen.setdefault(number_key, number)
        unit = _resolve_unit(row.get("unit", ""), units_by_path) if row.get("unit") else None
        if row.get("unit") and unit is None:
            errors.append(
                RowError(number, COLUMNS["unit"][0], f"no such unit “{row['unit']}” (write it as 单位/部门/站)")
            )
        elif unit is not None and scope is not None and not scope.contains(unit):
            errors.append(RowError(number, COLUMNS["unit"][0], f"you do not manage “{unit.name}”"))
        kind_text = row.get("kind", "")
        kind = KIND_LABELS.get(kind_text, kind_text or PersonKind.STAFF)
        if kind not in PersonKind.values:
            errors.append(RowError(number, COLUMNS["kind"][0], f"unknown kind “{kind_text}”"))
        grade_text = row.get("grade", "")
        grade: int | None = None
        if grade_text:
            grade = GRADE_LABELS.get(grade_text) or (int(grade_text) if grade_text.isdigit() else None)
            if grade not in Grade.values:
                errors.append(
                    RowError(number, COLUMNS["grade"][0], f"unknown grade “{grade_text}” (初级/中级/高级 or 1–3)")
                )
        roles = []
        for label in [
            r.strip() for r in row.get("roles", "").replace("，", ",").replace("、", ",").split(",") if r.strip()
        ]:
            role = ROLE_LABELS.get(label, label)
            if role not in Role.values:
                errors.append(RowError(number, COLUMNS["roles"][0], f"unknown role “{label}”"))
            roles.append(role)
        parsed.append((number, {**row, "unit": unit, "kind": kind, "grade": grade, "roles": roles}))

    if errors:
        raise PeopleImportError(errors)
    try:
        return _write(actor, parsed)
    except _RowFailure as failure:
        raise PeopleImportError([RowError(failure.row, "", failure.message)]) from failure


class _RowFailure(Exception):
    """A service refused a row while writing; the whole import rolls back."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row, self.message = row, message


@transaction.atomic
def _write(actor: User | None, parsed: list[tuple[int, dict[str, Any]]]) -> ImportResult:
    result = ImportResult()
    organisations = {row["unit"].path.split(".", 1)[0] for _, row in parsed}
    existing = {
        (str(p.organisation_id), p.employee_number): p
        for p in Person.objects.filter(organisation_id__in=organisations).select_related("unit", "job_type")
    }
    for number, row in parsed:
        try:
            job_type = (
                services.job_type_get_or_create(actor=actor, code=row["job_type"], name=row["job_type"])
                if row.get("job_type")
                else None
            )
            fields = {
                key: row[key]
                for key in ("employee_number", "name", "kind", "grade", "title", "office_phone", "mobile", "email")
                if key in row and (row[key] not in ("", None) or key in ("employee_number", "name", "kind"))
            }
            person = existing.get((row["unit"].path.split(".", 1)[0], row["employee_number"]))
            if person is None:
                person = services.person_create(actor=actor, unit=row["unit"], job_type=job_type, **fields)
                result.created += 1
            else:
                before = services.person_summary(person)
                changed = {k: v for k, v in fields.items() if before.get(k) != v}
                unit_changed = person.unit_id != row["unit"].pk
                job_changed = job_type is not None and person.job_type_id != job_type.pk
                if changed or unit_changed or job_changed:
                    person = services.person_update(
                        actor=actor,
                        person=person,
                        unit=row["unit"],
                        **({"job_type": job_type} if job_changed else {}),
                        **changed,
                    )
                    result.updated += 1
                else:
                    result.unchanged += 1
            for role in row["roles"]:
                services.role_assign(actor=actor, person=person, role=role, unit=row["unit"])
            result.people.append(person)
        except ValidationError as error:
            raise _RowFailure(number, "; ".join(error.messages)) from error
        except PermissionDenied as error:
            raise _RowFailure(number, str(error)) from error
    return result
