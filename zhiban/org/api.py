"""API: units and people, filtered by the same selectors as the UI."""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from zhiban.accounts.models import User
from zhiban.core.api_errors import InvalidOut, RequestInvalidOut, errors
from zhiban.core.pagination import BoundedPagination
from zhiban.org import selectors, services
from zhiban.org.models import JobType, Person, Unit
from zhiban.org.people_import import PeopleImportError, check_size, import_people
from zhiban.org.scopes import unit_scope

router = Router(tags=["organisation"])


def _caller(request: HttpRequest) -> User:
    """The authenticated caller (the bearer token's user)."""
    return request.user  # type: ignore[return-value]


class UnitOut(Schema):
    public_id: str
    name: str
    kind: str
    parent: str | None
    duty_phone: str

    @staticmethod
    def resolve_parent(unit: Unit) -> str | None:
        return unit.parent.public_id if unit.parent else None


class PersonOut(Schema):
    public_id: str
    employee_number: str
    name: str
    unit: str
    kind: str
    job_type: str | None
    grade: int | None
    title: str
    office_phone: str
    mobile: str
    roles: list[str]

    @staticmethod
    def resolve_unit(person: Person) -> str:
        return person.unit.public_id

    @staticmethod
    def resolve_job_type(person: Person) -> str | None:
        return person.job_type.code if person.job_type else None

    @staticmethod
    def resolve_roles(person: Person) -> list[str]:
        return sorted({assignment.role for assignment in person.roles.all()})


@router.get("/units", response={200: list[UnitOut], **errors(422)})
@paginate(BoundedPagination)
def list_units(request: HttpRequest):
    return selectors.unit_list(user=_caller(request))


@router.get("/units/{public_id}", response={200: UnitOut, **errors(404, 422)})
def get_unit(request: HttpRequest, public_id: str) -> Unit:
    return get_object_or_404(selectors.unit_list(user=_caller(request)), public_id=public_id)


@router.get("/people", response={200: list[PersonOut], **errors(422)})
@paginate(BoundedPagination)
def list_people(request: HttpRequest, q: str = ""):
    return selectors.person_list(user=_caller(request), search=q)


class PersonIn(Schema):
    employee_number: str
    name: str
    unit: str
    kind: str = "staff"
    job_type: str | None = None
    grade: int | None = None
    title: str = ""
    office_phone: str = ""
    mobile: str = ""
    email: str = ""


class PersonPatch(Schema):
    name: str | None = None
    unit: str | None = None
    kind: str | None = None
    job_type: str | None = None
    grade: int | None = None
    title: str | None = None
    office_phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    is_active: bool | None = None


class RoleIn(Schema):
    role: str
    unit: str


def _managed_unit(request: HttpRequest, public_id: str) -> Unit:
    """A unit the caller manages; 422 naming the field otherwise (no existence leak)."""
    unit = selectors.unit_list(user=_caller(request), action="manage").filter(public_id=public_id).first()
    if unit is None:
        raise ValidationError({"unit": f"no unit {public_id} that you manage"})
    return unit


def _job_type(code: str | None) -> JobType | None:
    """A job type the organisation already has, by its code; an unknown code is a 422 naming `job_type` (the API
    does not create job types on the side)."""
    if not code:
        return None
    job_type = JobType.objects.filter(code=code).first()
    if job_type is None:
        raise ValidationError({"job_type": f"unknown job type {code!r}"})
    return job_type


# Fields that hold text or a flag: null is not a value for them (omit a field to leave it as it is).
NOT_NULL = ("name", "unit", "kind", "title", "office_phone", "mobile", "email", "is_active")


@router.post("/people", response={201: PersonOut, **errors(400, 403, 422)})
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    """Add a person (same checks as the page: scope, fields, ORG rules)."""
    data = payload.model_dump()
    unit = _managed_unit(request, data.pop("unit"))
    job_type = _job_type(data.pop("job_type"))
    return Status(201, services.person_create(actor=_caller(request), unit=unit, job_type=job_type, **data))


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    people: list[str]


class ImportRowError(Schema):
    row: int
    column: str
    message: str


class ImportRefused(Schema):
    """422: the file was refused, nothing imported; every error with its row (0: the file as a whole) and column."""

    detail: list[str]
    code: Literal["invalid"]
    errors: list[ImportRowError]


# Before /people/{public_id}, whose route would otherwise take the path.
@router.post(
    "/people/import",
    response={200: ImportOut, **errors(403), 422: ImportRefused | InvalidOut | RequestInvalidOut},
)
def import_people_file(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Import people from xlsx or CSV (UTF-8), as the page does: all rows or none. A refused file answers
    422 with every error by row (0: the file as a whole) and column; a file over 2 MB or 5,000 people is
    refused before it is read."""
    user = _caller(request)
    if unit_scope(user, "manage").empty:
        raise PermissionDenied("you manage no unit")
    try:
        check_size(file.size or 0)
        result = import_people(actor=user, filename=file.name or "", content=file.read())
    except PeopleImportError as error:
        rows = [{"row": e.row, "column": e.column, "message": e.message} for e in error.row_errors]
        return Status(422, {"detail": [str(e) for e in error.row_errors], "code": "invalid", "errors": rows})
    people = [person.public_id for person in result.people]
    return Status(
        200, {"created": result.created, "updated": result.updated, "unchanged": result.unchanged, "people": people}
    )


@router.patch("/people/{public_id}", response={200: PersonOut, **errors(400, 403, 404, 422)})
def update_person(request: HttpRequest, public_id: str, payload: PersonPatch) -> Person:
    """Change a person's fields; only those given are changed."""
    person = get_object_or_404(selectors.person_list(user=_caller(request), action="manage"), public_id=public_id)
    data = payload.model_dump(exclude_unset=True)
    nulls = {field: "may not be null" for field in NOT_NULL if field in data and data[field] is None}
    if nulls:
        raise ValidationError(nulls)
    unit = _managed_unit(request, data.pop("unit")) if "unit" in data else None
    extra: dict[str, Any] = {}
    if "job_type" in data:
        extra["job_type"] = _job_type(data.pop("job_type"))
    return services.person_update(actor=_caller(request), person=person, unit=unit, **extra, **data)


@router.post("/people/{public_id}/roles", response={201: PersonOut, **errors(400, 403, 404, 422)})
def add_role(request: HttpRequest, public_id: str, payload: RoleIn) -> Status[Person]:
    """Give a person a role within a unit you manage (ORG-02, ORG-03 apply)."""
    person = get_object_or_404(selectors.person_list(user=_caller(request), action="manage"), public_id=public_id)
    services.role_assign(
        actor=_caller(request), person=person, role=payload.role, unit=_managed_unit(request, payload.unit)
    )
    return Status(201, selectors.person_list(user=_caller(request)).get(pk=person.pk))


@router.get("/people/{public_id}", response={200: PersonOut, **errors(404, 422)})
def get_person(request: HttpRequest, public_id: str) -> Person:
    return get_object_or_404(selectors.person_list(user=_caller(request)), public_id=public_id)
