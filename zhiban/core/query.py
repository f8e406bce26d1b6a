"""Values read from a page's query string, one way everywhere: a bad value is a page that does not exist (404)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from zhiban.core import clock, dates


def requested_month(request: HttpRequest) -> dt.date:
    """`?month=2026-12` → 2026-12-01; this month when absent; 404 for a bad or out-of-range month."""
    try:
        return dates.parse_month(request.GET.get("month"), clock.today())
    except ValidationError as error:
        raise Http404("; ".join(error.messages)) from error
