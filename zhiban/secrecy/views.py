"""Pages of the register: thin views over the selectors and services. Every page states the boundary (SEC-00)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.core import refusals
from zhiban.org.models import Person, Unit
from zhiban.org.scopes import active_person
from zhiban.secrecy import selectors, services
from zhiban.secrecy.models import Carrier, Classification

PAGE = 200


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: _("Enter a date.")}) from None


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationError({field: _("Enter a whole number.")}) from None


@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    q = request.GET.get("q", "")[:100]
    carriers = selectors.carrier_search(user=user, q=q).order_by("-registered_at", "id")[:PAGE]
    person = active_person(user)
    units = selectors.clerk_units(person) if person is not None else []
    return render(
        request,
        "secrecy/register.html",
        {
            "carriers": carriers,
            "q": q,
            "clerk_units": units,
            "classifications": Classification.choices,
            "manages_clearances": selectors.manages_clearances(user),
        },
    )


@login_required
@require_POST
def carrier_receive(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    person = active_person(user)
    units = {u.public_id: u for u in (selectors.clerk_units(person) if person is not None else [])}
    unit = units.get(request.POST.get("unit", ""))
    if unit is None:
        raise PermissionDenied(_("Only the confidential clerk keeps the register."))
    data = request.POST

    def receive() -> Carrier:
        return services.carrier_receive(
            actor=user,
            unit=unit,
            register_number=data.get("register_number", "")[:40],
            classification=data.get("classification", ""),
            period_years=_int(data.get("period_years", ""), "period_years"),
            copy_number=_int(data.get("copy_number", ""), "copy_number"),
            issuing_body=data.get("issuing_body", "")[:120],
            issued_on=_date(data.get("issued_on", ""), "issued_on"),
            received_on=_date(data.get("received_on", ""), "received_on"),
            title=data.get("title", "")[:200],
            location=data.get("location", "")[:120],
            scope_units=list(Unit.objects.filter(public_id__in=data.getlist("scope_units"))),
            scope_people=list(Person.objects.filter(public_id__in=data.getlist("scope_people")).select_related("unit")),
        )

    carrier = refusals.attempt(request, receive, _("Carrier registered."))
    if carrier is None:
        return redirect("secrecy:register")
    return redirect("secrecy:carrier", public_id=carrier.public_id)


@login_required
def carrier(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    found = selectors.carrier_get(user=user, public_id=public_id)
    services.carrier_viewed(actor=user, carrier=found, via="page")
    person = active_person(user)
    is_clerk = person is not None and person.pk == found.clerk_id
    context: dict[str, Any] = {
        "carrier": found,
        "custody": selectors.custody(found),
        "is_clerk": is_clerk,
        "readers": [],
    }
    if is_clerk and found.with_clerk and found.status == Carrier.Status.IN_REGISTER:
        candidates = Person.objects.filter(organisation_id=int(found.unit.path.split(".", 1)[0]), is_active=True)
        context["readers"] = [
            p
            for p in candidates.select_related("unit").exclude(pk=found.clerk_id)[:500]
            if selectors.in_scope(p, found) and selectors.cleared_for(p, found.classification)
        ]
    return render(request, "secrecy/carrier.html", context)


@login_required
@require_POST
def carrier_move(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    found = selectors.carrier_get(user=user, public_id=public_id)
    to = Person.objects.filter(public_id=request.POST.get("to", "")[:24]).first()
    if to is None:
        raise Http404("no such person")
    refusals.attempt(request, lambda: services.carrier_move(actor=user, carrier=found, to=to), _("Signed for."))
    return redirect("secrecy:carrier", public_id=found.public_id)


@login_required
@require_POST
def carrier_archive(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    found = selectors.carrier_get(user=user, public_id=public_id)
    location = request.POST.get("location", "")[:120]
    refusals.attempt(
        request, lambda: services.carrier_archive(actor=user, carrier=found, location=location), _("Archived.")
    )
    return redirect("secrecy:carrier", public_id=found.public_id)


@login_required
def clearances(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.manages_clearances(user):
        raise Http404("no clearances to manage")
    people = selectors.clearance_people(user=user).select_related("unit", "clearance").order_by("unit__path", "name")
    if request.method == "POST":
        person = people.filter(public_id=request.POST.get("person", "")[:24]).first()
        if person is None:
            raise Http404("no such person")
        level = request.POST.get("level", "")
        refusals.attempt(
            request, lambda: services.clearance_set(actor=user, person=person, level=level), _("Clearance set.")
        )
        return redirect("secrecy:clearances")
    return render(
        request,
        "secrecy/clearances.html",
        {"people": people[:PAGE], "classifications": Classification.choices},
    )
