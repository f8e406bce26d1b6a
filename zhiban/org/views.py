"""Organisation pages: the unit tree and the people list."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhiban.org import selectors


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = selectors.unit_list(user=request.user)  # type: ignore[arg-type]
    return render(request, "org/unit_list.html", {"units": units})


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    people = selectors.person_list(user=request.user, search=search)  # type: ignore[arg-type]
    template = "org/_person_rows.html" if request.htmx else "org/person_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"people": people[:500], "search": search})
