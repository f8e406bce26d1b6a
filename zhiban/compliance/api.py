"""API: a unit's monthly compliance report (the same report and permission as the page)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from zhiban.compliance import report as compliance_report
from zhiban.compliance import selectors
from zhiban.core import clock, dates
from zhiban.core.api_errors import errors
from zhiban.org.models import Unit

router = Router(tags=["compliance"])


class RuleLineOut(Schema):
    rule_id: str
    title: str
    blocked: int
    overridden: int
    reasons: list[tuple[str, int]]


class ReportOut(Schema):
    unit: str
    month: str
    rules: list[RuleLineOut]
    rosters_on_time: int
    rosters_late: int
    approvals_in_time: int
    approvals_overdue: int
    swaps: list[tuple[str, int]]
    leave: list[tuple[str, float, int]]
    absences: list[tuple[str, float]]


@router.get("/{unit_id}", response={200: ReportOut, **errors(404, 422)})
def monthly(request: HttpRequest, unit_id: str, month: str = "") -> dict[str, object]:
    """合规月报 of a unit for `month` (YYYY-MM, default this month)."""
    try:
        unit = selectors.unit_get(user=request.user, public_id=unit_id)  # type: ignore[arg-type]
    except Unit.DoesNotExist as error:
        raise Http404 from error
    first = dates.parse_month(month or None, clock.today())  # a bad month: 422 naming `month`
    report = compliance_report.build(unit, first)
    d = report.deadlines
    return {
        "unit": unit.public_id,
        "month": f"{report.month:%Y-%m}",
        "rules": [line.__dict__ for line in report.rules],
        "rosters_on_time": d.rosters_on_time,
        "rosters_late": d.rosters_late,
        "approvals_in_time": d.approvals_in_time,
        "approvals_overdue": d.approvals_overdue,
        "swaps": report.swaps,
        "leave": [(label, float(days), count) for label, days, count in report.leave],
        "absences": [(name, float(share)) for name, share in report.absences],
    }
