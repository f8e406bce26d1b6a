"""Export pages of a roster period (ROS-06): printable sheet, PDF, xlsx export and import, calendar
feeds and their tokens. Thin: parse, call a selector or a service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.core import downloads
from zhiban.core.dates import month_day
from zhiban.roster import selectors
from zhiban.roster.exports import feeds, ical, pdf, printing, xlsx
from zhiban.roster.exports.forms import PERSONAL, FeedTokenForm, XlsxImportForm
from zhiban.roster.models import RosterPeriod


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _period_or_404(user: User, public_id: str) -> RosterPeriod:
    try:
        return selectors.period_get(user=user, public_id=public_id)
    except RosterPeriod.DoesNotExist as error:
        raise Http404 from error


def _sheets(request: HttpRequest, public_id: str) -> tuple[RosterPeriod, list[printing.MonthSheet]]:
    user = _user(request)
    period = _period_or_404(user, public_id)
    version = selectors.shown_version(user=user, period=period)
    if version is None and not selectors.can_schedule(user, period.unit):
        raise Http404  # nothing published yet (schedulers get an empty sheet to fill in)
    return period, printing.month_sheets(period, version)


def _file_name(period: RosterPeriod, extension: str) -> str:
    """`办公室值班表-2026年12月.pdf`, or with the dates when the period is not one calendar month."""
    month_end = (period.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if period.start.day == 1 and period.end == month_end:
        when = f"{period.start.year}年{period.start.month}月"
    else:
        when = f"{period.start.year}年{month_day(period.start)}至{period.end.year}年{month_day(period.end)}"
    return downloads.file_name(f"{period.unit.name}值班表", when, extension=extension)


@login_required
def print_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """The printable roster (A4 landscape, one month per page): the draft for schedulers, else published."""
    period, sheets = _sheets(request, public_id)
    context = {"period": period, "sheets": sheets, "columns": printing.COLUMNS}
    return render(request, "roster/print/page.html", context)


@login_required
def print_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    period, sheets = _sheets(request, public_id)
    try:
        content = pdf.render_pdf(pdf.document_html(sheets))
    except pdf.PdfRenderError as error:
        return HttpResponse(_("The PDF could not be made: %(error)s") % {"error": error}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = downloads.disposition(_file_name(period, "pdf"), inline=True)
    return response


@login_required
def export_xlsx(request: HttpRequest, public_id: str) -> HttpResponse:
    period, sheets = _sheets(request, public_id)
    response = HttpResponse(xlsx.workbook_bytes(sheets), content_type=xlsx.XLSX_TYPE)
    response["Content-Disposition"] = downloads.disposition(_file_name(period, "xlsx"))
    return response


@login_required
def import_xlsx(request: HttpRequest, public_id: str) -> HttpResponse:
    """Upload a sheet laid out like the export into the draft; all or nothing, errors by row and column."""
    user = _user(request)
    period = _period_or_404(user, public_id)
    if not selectors.can_schedule(user, period.unit):
        raise Http404
    form = XlsxImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = xlsx.roster_import_xlsx(actor=user, period=period, data=form.cleaned_data["file"].read())
            except ValidationError as error:
                errors = error.messages
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(request, _("%(count)d cells of the draft changed.") % {"count": changed})
                return redirect("roster:period_detail", period.public_id)
        status = 422
    context = {"period": period, "form": form, "errors": errors}
    return render(request, "roster/print/import.html", context, status=status)


# ------------------------------------------------------------------------------------ calendar feeds


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed behind a secret token; no session. Wrong or revoked tokens are not found."""
    found = feeds.feed_token_lookup(token)
    if found is None:
        raise Http404
    response = HttpResponse(ical.feed_calendar(found), content_type=ical.CONTENT_TYPE)
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def feed_tokens(request: HttpRequest) -> HttpResponse:
    """Make and revoke calendar feeds: one's own duties, and the units one schedules."""
    user = _user(request)
    person = feeds.own_person(user)
    units = selectors.schedulable_units(user=user)
    if person is None and not units:
        raise Http404
    form = FeedTokenForm(request.POST or None, units=units, personal=person is not None)
    feed_url = ""
    if request.method == "POST" and form.is_valid():
        target, label = form.cleaned_data["target"], form.cleaned_data["label"]
        try:
            if target == PERSONAL:
                _, secret = feeds.feed_token_create_personal(actor=user, label=label)
            else:
                unit = next(u for u in units if u.public_id == target)
                _, secret = feeds.feed_token_create_unit(actor=user, unit=unit, label=label)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            feed_url = request.build_absolute_uri(reverse("roster:feed", args=[secret]))
    context = {"form": form, "tokens": feeds.feed_tokens(user=user), "feed_url": feed_url}
    return render(request, "roster/print/feed_tokens.html", context)


@login_required
@require_POST
def feed_token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    token = next((t for t in feeds.feed_tokens(user=user) if t.public_id == public_id), None)
    if token is None:
        raise Http404
    try:
        feeds.feed_token_revoke(actor=user, token=token)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    except PermissionDenied as error:
        raise Http404 from error
    return redirect("roster:feed_tokens")
