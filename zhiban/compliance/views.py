"""合规月报 pages: the list of units the user may review, and a unit's report for a month (page, xlsx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhiban.accounts.models import User
from zhiban.compliance import report as compliance_report
from zhiban.compliance import selectors, xlsx
from zhiban.core import dates, downloads
from zhiban.core.charts import stacked_bars
from zhiban.core.query import requested_month
from zhiban.org.models import Unit

REFUSED, OVERRIDDEN = "拒绝", "提示后继续"
COLOURS = {REFUSED: "#c0392b", OVERRIDDEN: "#e39b38"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _unit(request: HttpRequest, unit_id: str) -> Unit:
    try:
        return selectors.unit_get(user=_user(request), public_id=unit_id)
    except Unit.DoesNotExist as error:
        raise Http404 from error


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = selectors.units(user=_user(request)).order_by("path")[:200]
    return render(request, "compliance/unit_list.html", {"units": units})


@login_required
def monthly(request: HttpRequest, unit_id: str) -> HttpResponse:
    unit = _unit(request, unit_id)
    report = compliance_report.build(unit, requested_month(request))
    rows = [
        (
            line.rule_id,
            {"拒绝": float(line.blocked), "提示后继续": float(line.overridden)},
            line.blocked + line.overridden,
        )
        for line in report.rules
    ]
    before, after = dates.neighbour_months(report.month)
    context = {
        "report": report,
        "chart": stacked_bars(rows, COLOURS),
        "before": before,
        "after": after,
    }
    return render(request, "compliance/monthly.html", context)


@login_required
def monthly_xlsx(request: HttpRequest, unit_id: str) -> HttpResponse:
    unit = _unit(request, unit_id)
    report = compliance_report.build(unit, requested_month(request))
    response = HttpResponse(xlsx.workbook_bytes(report), content_type=xlsx.XLSX_TYPE)
    response["Content-Disposition"] = downloads.disposition(
        downloads.file_name(f"{unit.name}合规月报", f"{report.month.year}年{report.month.month}月", extension="xlsx")
    )
    return response
