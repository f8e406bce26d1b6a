"""Calendar pages: the year view, a day with its correction form, the import form, season settings.

Any signed-in user reads; the system administrator writes (the services check it again).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhiban.calendar import selectors, services
from zhiban.calendar.forms import ArrangementImportForm, DayCorrectionForm, SeasonSettingForm
from zhiban.calendar.grids import WEEKDAY_HEADERS, WEEKDAY_HEADERS_EN, year_grid
from zhiban.calendar.importing import ArrangementInvalid
from zhiban.calendar.models import CalendarDay, CalendarYear
from zhiban.core import clock
from zhiban.core.dates import FIRST_YEAR, LAST_YEAR, is_chinese
from zhiban.org import selectors as org_selectors
from zhiban.org.models import Unit
from zhiban.policy.rules.cal_02 import PeriodKind


def _require_administrator(request: HttpRequest) -> None:
    if not services.is_calendar_administrator(request.user):
        raise PermissionDenied


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's errors on the form's fields (or the form itself for the others)."""
    for field, problems in error.message_dict.items():
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


@login_required
@require_http_methods(["GET"])
def year_view(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = year or clock.today().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = {row.date: row for row in selectors.calendar_days(user=request.user, start=start, end=end)}
    status: CalendarYear | None = selectors.calendar_years(user=request.user).filter(year=year).first()
    context = {
        "year": year,
        "status": status,
        "months": year_grid(year, days),
        "weekday_headers": WEEKDAY_HEADERS if is_chinese() else WEEKDAY_HEADERS_EN,
        "holiday_periods": selectors.year_duty_periods(user=request.user, year=year, kind=PeriodKind.HOLIDAY),
        "is_administrator": services.is_calendar_administrator(request.user),
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
    }
    return render(request, "calendar/year.html", context)


def _parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def day_view(request: HttpRequest, day: str) -> HttpResponse:
    """A day; the system administrator corrects its kind and holiday here, with a reason."""
    date = _parse_day(day)
    if request.method == "POST":
        _require_administrator(request)
    try:
        row = selectors.calendar_day_get(user=request.user, day=date)
    except CalendarDay.DoesNotExist:
        raise Http404 from None
    form = None
    if services.is_calendar_administrator(request.user):
        initial = {"kind": row.kind, "holiday_name": row.holiday_name}
        form = DayCorrectionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                row = services.calendar_day_correct(
                    actor=request.user,  # type: ignore[arg-type]
                    day=date,
                    kind=form.cleaned_data["kind"],
                    holiday_name=form.cleaned_data["holiday_name"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("%(day)s corrected.") % {"day": date.isoformat()})
                if not request.htmx:  # type: ignore[attr-defined]
                    return HttpResponseRedirect(reverse("calendar:year", args=[date.year]))
                form = DayCorrectionForm(initial={"kind": row.kind, "holiday_name": row.holiday_name})
    template = "calendar/_day_panel.html" if request.htmx else "calendar/day.html"  # type: ignore[attr-defined]
    return render(
        request, template, {"day": row, "form": form}, status=400 if form is not None and form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """Import a year's official arrangement (国务院办公厅 notice) as CSV."""
    _require_administrator(request)
    problems: list[str] = []
    citation = ""
    default_year = clock.today().year + 1
    form = ArrangementImportForm(request.POST or None, request.FILES or None, initial={"year": default_year})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.calendar_year_import(
                actor=request.user,  # type: ignore[arg-type]
                data=upload.read(),
                year=form.cleaned_data["year"],
                filename=upload.name,
            )
        except ArrangementInvalid as error:
            problems = error.messages(is_chinese())
            citation = error.citation_line(is_chinese())
        else:
            messages.success(
                request,
                _("Imported the official arrangement for %(year)s: %(count)s special days.")
                % {"year": result.year, "count": result.special_days},
            )
            return HttpResponseRedirect(reverse("calendar:year", args=[result.year]))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "problems": problems, "citation": citation}
    return render(request, "calendar/import.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def season_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "calendar/seasons.html",
        {
            "rows": selectors.season_overview(user=request.user),
            "is_administrator": services.is_calendar_administrator(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def season_edit(request: HttpRequest, unit: str) -> HttpResponse:
    _require_administrator(request)
    try:
        target = org_selectors.unit_get(user=request.user, public_id=unit, action="manage")  # type: ignore[arg-type]
    except Unit.DoesNotExist:
        raise Http404 from None
    current = selectors.effective_seasons(target)
    initial = {"summer_starts": str(current.dates.summer_starts), "winter_starts": str(current.dates.winter_starts)}
    form = SeasonSettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.season_setting_update(
                actor=request.user,  # type: ignore[arg-type]
                unit=target,
                summer_starts=form.cleaned_data["summer_starts"],
                winter_starts=form.cleaned_data["winter_starts"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Season dates of %(unit)s saved.") % {"unit": target.name})
            return HttpResponseRedirect(reverse("calendar:seasons"))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "calendar/season_edit.html", {"unit": target, "current": current, "form": form}, status=status
    )
