"""What the home page shows about the signed-in user above the module cards: sections that apps above core register
from their `AppConfig.ready()` (the org app: the welcome, your roles, the units you manage), so core imports none of
them. Each section is a template of that app, rendered with the values its function gives for the request."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomeSection:
    template: str
    values: Callable[[HttpRequest], Mapping[str, Any]]


_sections: list[HomeSection] = []


def register_home_section(template: str, values: Callable[[HttpRequest], Mapping[str, Any]]) -> None:
    """Add a section (once per template; registering again replaces it, so a reloaded app adds no second copy)."""
    _sections[:] = [s for s in _sections if s.template != template]
    _sections.append(HomeSection(template, values))


def home_sections(request: HttpRequest) -> list[tuple[str, Mapping[str, Any]]]:
    """The registered sections for this request: (template, the values it is rendered with)."""
    return [(s.template, s.values(request)) for s in _sections]
