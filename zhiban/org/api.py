"""API: units and people, filtered by the same selectors as the UI."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from zhiban.org import selectors
from zhiban.org.models import Person, Unit

router = Router(tags=["organisation"])


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


@router.get("/units", response=list[UnitOut])
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest):
    return selectors.unit_list(user=request.user)  # type: ignore[arg-type]


@router.get("/units/{public_id}", response=UnitOut)
def get_unit(request: HttpRequest, public_id: str) -> Unit:
    return get_object_or_404(selectors.unit_list(user=request.user), public_id=public_id)  # type: ignore[arg-type]


@router.get("/people", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def list_people(request: HttpRequest, q: str = ""):
    return selectors.person_list(user=request.user, search=q)  # type: ignore[arg-type]


@router.get("/people/{public_id}", response=PersonOut)
def get_person(request: HttpRequest, public_id: str) -> Person:
    return get_object_or_404(selectors.person_list(user=request.user), public_id=public_id)  # type: ignore[arg-type]
