"""Compensatory rest pages (ROS-07): balances per month, a person's credits and rest taken (recorded by
their department head or the secretariat); the monthly allowance report (ROS-08) as a page and xlsx."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.core import clock, dates, downloads
from zhiban.core.query import requested_month
from zhiban.core.refusals import attempt
from zhiban.org.models import Person, Unit
from zhiban.policy.rules import ros_08
from zhiban.roster.compensation import selectors, services, xlsx
from zhiban.roster.services import month_bounds


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def parse_month(value: str | None) -> dt.date:
    """`2026-12` → 2026-12-01; today's month when empty; ValidationError naming `month` otherwise."""
    return dates.parse_month(value, clock.today())


def _neighbours(month: dt.date) -> tuple[str, str]:
    return dates.neighbour_months(month)


@login_required
def rest_balances(request: HttpRequest) -> HttpResponse:
    """补休余额: per person, the month's duties credited, taken, expired and open."""
    user = _user(request)
    month = requested_month(request)
    first, last = month_bounds(month.year, month.month)
    rows = selectors.balances(user=user, first=first, last=last)
    before, after = _neighbours(month)
    context = {
        "month": month,
        "rows": rows,
        "before": before,
        "after": after,
        "allowance_units": selectors.allowance_units(user=user),
    }
    return render(request, "roster/compensation/balances.html", context)


def _person(request: HttpRequest, public_id: str) -> Person:
    try:
        return selectors.person_get(user=_user(request), public_id=public_id)
    except Person.DoesNotExist as error:
        raise Http404 from error


@login_required
def rest_person(request: HttpRequest, public_id: str) -> HttpResponse:
    """One person's credits, rest taken and open balance; the form to record rest for managers."""
    person = _person(request, public_id)
    context = {
        "person": person,
        "credits": selectors.credits_of(person),
        "takings": selectors.takings_of(person),
        "open": selectors.open_balance(person),
        "can_manage": selectors.can_manage_rest(_user(request), person),
        "today": clock.today(),
    }
    return render(request, "roster/compensation/person.html", context)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("day: enter a date like 2026-12-15")) from None


@login_required
@require_POST
def rest_take(request: HttpRequest, public_id: str) -> HttpResponse:
    """Record rest taken; the service refuses whoever may not (403), its refusals are shown on the page."""
    person = _person(request, public_id)
    data = request.POST
    attempt(
        request,
        lambda: services.rest_take(
            actor=_user(request),
            person=person,
            day=_day(data.get("day", "")),
            days=data.get("days", ""),
            note=data.get("note", ""),
        ),
        _("The rest is recorded."),
    )
    return redirect("roster:compensatory_rest_person", public_id)


def _unit(request: HttpRequest, unit_id: str) -> Unit:
    try:
        return selectors.allowance_unit_get(user=_user(request), public_id=unit_id)
    except Unit.DoesNotExist as error:
        raise Http404 from error


@login_required
def allowance_report(request: HttpRequest, unit_id: str) -> HttpResponse:
    """值班津贴表: per person the month's duties by category, the rate of each and the total."""
    unit = _unit(request, unit_id)
    month = requested_month(request)
    first, last = month_bounds(month.year, month.month)
    report = selectors.allowance_report(unit, first, last)
    columns = [(c, ros_08.CATEGORY_LABELS.get(c, c), report.rates[c]) for c in report.categories]
    rows = [(row, [row.counts.get(c, 0) for c in report.categories]) for row in report.rows]
    before, after = _neighbours(month)
    context = {
        "unit": unit,
        "month": month,
        "title": xlsx.title(unit.name, month),
        "report": report,
        "columns": columns,
        "rows": rows,
        "totals": [report.counts.get(c, 0) for c in report.categories],
        "before": before,
        "after": after,
    }
    return render(request, "roster/compensation/allowance.html", context)


@login_required
def allowance_xlsx(request: HttpRequest, unit_id: str) -> HttpResponse:
    unit = _unit(request, unit_id)
    month = requested_month(request)
    first, last = month_bounds(month.year, month.month)
    report = selectors.allowance_report(unit, first, last)
    response = HttpResponse(xlsx.workbook_bytes(unit.name, month, report), content_type=xlsx.XLSX_TYPE)
    response["Content-Disposition"] = downloads.disposition(
        downloads.file_name(f"{unit.name}值班津贴", f"{month.year}年{month.month}月", extension="xlsx")
    )
    return response
