"""Pages of the discipline register: thin views over its selectors and services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.core import clock
from zhiban.discipline import selectors, services
from zhiban.discipline.models import DisciplineRecord
from zhiban.org.models import Person

# The rules a manager records an absence under by hand; SWAP-05 comes from a swap's judgement, on the swap's page.
ABSENCE_RULES = ("SWAP-06", "LEAVE-05", "LEAVE-01")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """纪律登记: the absences (旷工) of the people I manage and my own; managers record one here."""
    user = _user(request)
    absences = selectors.absence_list(user=user).select_related("recorded_by__person").order_by("-date", "id")[:200]
    breaches = (
        selectors.record_list(user=user)
        .exclude(kind=DisciplineRecord.Kind.ABSENCE)
        .select_related("recorded_by__person", "shift_type")
        .order_by("-date", "id")[:200]
    )
    context = {
        "absences": [(record, selectors.rule_title(record)) for record in absences],
        "breaches": [(record, selectors.rule_title(record)) for record in breaches],
        "people": selectors.recordable_people(user=user),
        "rules": ABSENCE_RULES,
        "today": clock.today(),
    }
    return render(request, "discipline/register.html", context)


@login_required
@require_POST
def absence_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        person = selectors.recordable_people(user=user).get(public_id=request.POST.get("person", ""))
    except Person.DoesNotExist:
        raise PermissionDenied from None
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("day: enter a date like 2026-12-15"))
        return redirect("discipline:register")
    rule_id = request.POST.get("rule_id", "")
    try:
        if rule_id not in ABSENCE_RULES:
            raise ValidationError({"rule_id": _("choose a rule")})
        services.absence_record(
            actor=user,
            person=person,
            day=day,
            shift_type=None,
            rule_id=rule_id,
            subject_type="",
            subject_id=None,
            share=request.POST.get("share", "1"),  # type: ignore[arg-type]
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The absence is recorded."))
    return redirect("discipline:register")
