"""Generation pages: start a run on a period, its progress panel (htmx), stop, the explanation; fairness report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.core import clock, dates
from zhiban.org.models import Unit
from zhiban.roster.generation import fairness, selectors, services
from zhiban.roster.generation.chart import bar_chart
from zhiban.roster.generation.models import GenerationRun
from zhiban.roster.models import RosterPeriod


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _period(request: HttpRequest, public_id: str) -> RosterPeriod:
    try:
        return selectors.scheduler_period(user=_user(request), public_id=public_id)
    except RosterPeriod.DoesNotExist as error:
        raise Http404 from error


def _run(request: HttpRequest, public_id: str) -> GenerationRun:
    try:
        return selectors.run_get(user=_user(request), public_id=public_id)
    except GenerationRun.DoesNotExist as error:
        raise Http404 from error


@login_required
def generation_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """The period's generation: a start form, the latest run's progress or outcome, earlier runs."""
    period = _period(request, public_id)
    runs = list(selectors.runs_of(period)[:10])
    context = {"period": period, "run": runs[0] if runs else None, "earlier": runs[1:]}
    return render(request, "roster/generation/page.html", context)


@login_required
@require_POST
def generation_start(request: HttpRequest, public_id: str) -> HttpResponse:
    period = _period(request, public_id)
    try:
        limit = int(request.POST.get("time_limit_s", "20"))
    except ValueError:
        limit = 0
    try:
        services.generation_start(actor=_user(request), period=period, time_limit_s=limit)
    except (ValidationError, PermissionDenied) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    return redirect("roster:generation", period.public_id)


@login_required
def run_panel(request: HttpRequest, public_id: str) -> HttpResponse:
    """The progress panel (refreshed by htmx while the run is active) with the explanation once it ends."""
    run = _run(request, public_id)
    context = {"run": run, "period": run.period, "abandoned": run.abandoned(clock.now())}
    return render(request, "roster/generation/_panel.html", context)


@login_required
@require_POST
def run_stop(request: HttpRequest, public_id: str) -> HttpResponse:
    run = _run(request, public_id)
    try:
        run = services.generation_stop(actor=_user(request), run=run)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "roster/generation/_panel.html", {"run": run, "period": run.period})
    return redirect("roster:generation", run.period.public_id)


@login_required
def fairness_report(request: HttpRequest, unit_id: str) -> HttpResponse:
    """Year-to-date points per person by category, the spread and the balance score, with a bar chart."""
    try:
        unit = selectors.fairness_unit(user=_user(request), public_id=unit_id)
    except Unit.DoesNotExist as error:
        raise Http404 from error
    try:
        year = int(request.GET.get("year", clock.today().year))
    except ValueError:
        year = clock.today().year
    if not dates.FIRST_YEAR <= year <= dates.LAST_YEAR:
        raise Http404("year: outside the supported years")
    report = fairness.report(user=_user(request), unit=unit, year=year)
    context = {
        "unit": unit,
        "year": year,
        "report": report,
        "chart": bar_chart(report),
        "categories": fairness.CATEGORIES,
    }
    return render(request, "roster/generation/fairness.html", context)
