"""Every page and API operation refuses anonymous visitors, so a new endpoint cannot ship unguarded.

The list of public endpoints is explicit: adding one means adding it here, on purpose.
"""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from zhiban.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PUBLIC = {
    "accounts/login/",  # the login page itself
    "i18n/setlang/",  # choosing a language
    "api/openapi.json",  # the API's description, no data
    "api/docs",  # the API's browsable description, no data
}
SAMPLE_ARGUMENTS = {"int": "2026", "str": "x_000", "slug": "roster", "path": "x", "uuid": "0" * 32}


def _walk(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + str(entry.pattern))
    return routes


def _concrete(route: str) -> str:
    def fill(match: re.Match[str]) -> str:
        converter, _, name = match.group(1).rpartition(":")
        if "date" in name:
            return "2026-10-01"
        return SAMPLE_ARGUMENTS.get(converter or "str", "x")

    return "/" + re.sub(r"<([^>]+)>", fill, route).lstrip("^").rstrip("$")


def all_routes() -> list[str]:
    return sorted({r for r in _walk(get_resolver().url_patterns) if not r.startswith("api/")})


def test_the_walk_finds_the_pages() -> None:
    routes = all_routes()
    assert "org/people/" in routes
    assert len(routes) > 30


@pytest.mark.parametrize("route", all_routes())
def test_pages_refuse_anonymous_visitors(route: str) -> None:
    if route in PUBLIC:
        return
    events = AuditEvent.objects.count()
    client = Client()
    url = _concrete(route)
    for method in (client.get, client.post):
        response = method(url)
        refused = response.status_code in (401, 403, 404, 405) or (
            response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        )
        assert refused, f"{method.__name__.upper()} {url} answered {response.status_code} to an anonymous visitor"
    assert AuditEvent.objects.count() == events


def test_every_api_operation_refuses_anonymous_callers() -> None:
    client = Client()
    document = client.get("/api/openapi.json").json()
    operations = [(path, method) for path, item in document["paths"].items() for method in item]
    assert len(operations) >= 10
    for path, method in operations:
        url = re.sub(r"\{[^}]+\}", "2026", path)
        response = getattr(client, method)(url)
        assert response.status_code == 401, f"{method.upper()} {url} answered {response.status_code}"
        assert operations_declare_security(document, path, method)


def operations_declare_security(document: dict[str, Any], path: str, method: str) -> bool:
    operation = document["paths"][path][method]
    return bool(operation.get("security", document.get("security")))
