"""Organisation pages: the unit tree, people, roles and the people import. Thin: parse, call a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts import services as account_services
from zhiban.accounts.models import AdminRole, User
from zhiban.org import selectors, services
from zhiban.org.forms import ImportForm, PersonForm, RoleForm, UnitForm
from zhiban.org.models import Person, RoleAssignment, Unit
from zhiban.org.people_import import PeopleImportError, check_size, import_people
from zhiban.org.scopes import unit_scope


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _unit_or_404(user: User, public_id: str, action: str = "view") -> Unit:
    try:
        return selectors.unit_get(user=user, public_id=public_id, action=action)  # type: ignore[arg-type]
    except Unit.DoesNotExist as error:
        raise Http404 from error


def _person_or_404(user: User, public_id: str, action: str = "view") -> Person:
    try:
        return selectors.person_get(user=user, public_id=public_id, action=action)  # type: ignore[arg-type]
    except Person.DoesNotExist as error:
        raise Http404 from error


def _apply_errors(form: object, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)  # type: ignore[attr-defined]
    else:
        form.add_error(None, error.messages)  # type: ignore[attr-defined]


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = selectors.unit_list(user=user)
    scope = unit_scope(user, "manage")
    return render(
        request,
        "org/unit_list.html",
        {
            "units": units,
            "managed_ids": {u.pk for u in units if scope.contains(u)},
            "can_create_root": scope.everything,
        },
    )


@login_required
def unit_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    unit = _unit_or_404(user, public_id)
    people = selectors.person_list(user=user, unit=unit)
    return render(
        request,
        "org/unit_detail.html",
        {"unit": unit, "people": people, "can_manage": unit_scope(user, "manage").contains(unit)},
    )


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    parent = _unit_or_404(user, parent_id, "manage") if parent_id else None
    if parent is None and not unit_scope(user, "manage").everything:
        raise PermissionDenied
    form = UnitForm(request.POST or None, top_level=parent is None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Unit created."))
            return redirect("org:unit_detail", public_id=unit.public_id)
    return render(request, "org/unit_form.html", {"form": form, "parent": parent})


@login_required
def unit_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    unit = _unit_or_404(user, public_id, "manage")
    initial = {"name": unit.name, "kind": unit.kind, "duty_phone": unit.duty_phone, "fax": unit.fax}
    form = UnitForm(request.POST or None, initial=initial)
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                actor=user,
                unit=unit,
                name=form.cleaned_data["name"],
                duty_phone=form.cleaned_data["duty_phone"],
                fax=form.cleaned_data["fax"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Unit saved."))
            return redirect("org:unit_detail", public_id=unit.public_id)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    search = request.GET.get("q", "").strip()
    people = selectors.person_list(user=user, search=search)
    template = "org/_person_rows.html" if request.htmx else "org/person_list.html"  # type: ignore[attr-defined]
    can_manage = not unit_scope(user, "manage").empty
    return render(request, template, {"people": people[:500], "search": search, "can_manage": can_manage})


@login_required
def person_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    person = _person_or_404(user, public_id)
    can_manage = unit_scope(user, "manage").contains(person.unit)
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "roles": person.roles.select_related("unit"),
            "can_manage": can_manage,
            "role_form": RoleForm(user=user, initial={"unit": person.unit.public_id}) if can_manage else None,
            "can_manage_account": can_manage and _is_system_admin(user),
        },
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if unit_scope(user, "manage").empty:
        raise PermissionDenied
    form = PersonForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            person = services.person_create(actor=user, unit=data.pop("unit"), job_type=data.pop("job_type"), **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Person added."))
            return redirect("org:person_detail", public_id=person.public_id)
    return render(request, "org/person_form.html", {"form": form})


@login_required
def person_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    person = _person_or_404(user, public_id, "manage")
    initial = {
        **services.person_summary(person),
        "unit": person.unit.public_id,
        "job_type": person.job_type.code if person.job_type else None,
    }
    form = PersonForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.person_update(
                actor=user, person=person, unit=data.pop("unit"), job_type=data.pop("job_type"), **data
            )
        except (ValidationError, PermissionDenied) as error:
            _apply_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
        else:
            messages.success(request, _("Saved."))
            return redirect("org:person_detail", public_id=person.public_id)
    return render(request, "org/person_form.html", {"form": form, "person": person})


def _is_system_admin(user: User) -> bool:
    return user.is_superuser or user.admin_role == AdminRole.SYSTEM


@login_required
@require_POST
def account_open(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    person = _person_or_404(user, public_id, "manage")
    if not _is_system_admin(user):
        raise PermissionDenied
    try:
        services.person_open_account(
            actor=user,
            person=person,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        messages.success(request, _("Account opened."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("org:person_detail", public_id=person.public_id)


@login_required
@require_POST
def account_active(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    person = _person_or_404(user, public_id, "manage")
    if not _is_system_admin(user) or person.user is None:
        raise PermissionDenied
    try:
        account_services.user_set_active(actor=user, user=person.user, active=request.POST.get("active") == "1")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("org:person_detail", public_id=person.public_id)


@login_required
@require_POST
def role_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    person = _person_or_404(user, public_id, "manage")
    form = RoleForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.role_assign(
                actor=user, person=person, role=form.cleaned_data["role"], unit=form.cleaned_data["unit"]
            )
            messages.success(request, _("Role given."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Choose a role and a unit you manage."))
    return redirect("org:person_detail", public_id=person.public_id)


@login_required
@require_POST
def role_remove(request: HttpRequest, public_id: str, role_id: str) -> HttpResponse:
    user = _user(request)
    person = _person_or_404(user, public_id, "manage")
    assignment = RoleAssignment.objects.filter(person=person, public_id=role_id).select_related("unit").first()
    if assignment is None or not unit_scope(user, "manage").contains(assignment.unit):
        raise Http404
    services.role_revoke(actor=user, assignment=assignment)
    messages.success(request, _("Role removed."))
    return redirect("org:person_detail", public_id=person.public_id)


@login_required
def people_import(request: HttpRequest) -> HttpResponse:
    """All rows or none; a refused file answers 422 with every error by row and column, and a file over
    the size limit is refused before it is read."""
    user = _user(request)
    if unit_scope(user, "manage").empty:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size or 0)
                result = import_people(actor=user, filename=upload.name or "", content=upload.read())
            except PeopleImportError as error:
                errors = [str(e) for e in error.row_errors]
        if result is None:
            status = 422
    context = {"form": form, "errors": errors, "result": result}
    return render(request, "org/people_import.html", context, status=status)
