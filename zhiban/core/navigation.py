"""The modules of zhiban (ARCHITECTURE.md "Layout") as the navigation and the home page show them."""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiban.core import access


@dataclass(frozen=True)
class Module:
    slug: str
    label: str | Promise
    url_name: str | None  # None: not built yet; the placeholder page says so
    summary: str | Promise


MODULES: tuple[Module, ...] = (
    Module("board", _("Duty board"), "board:board", _("Who is on duty now, today and tomorrow.")),
    Module("org", _("Organisation"), "org:unit_list", _("Units, people, roles and imports.")),
    Module("calendar", _("Calendar"), "calendar:home", _("Holidays, make-up workdays and seasons.")),
    Module("policy", _("Policies"), "policy:pack_list", _("Policy packs and the rules they apply.")),
    Module("roster", _("Rosters"), "roster:period_list", _("Generate, edit, publish and export duty rosters.")),
    Module("requests", _("Leave & swaps"), "leave:home", _("Leave, swaps, substitutions and compensatory rest.")),
    Module("swaps", _("Swaps"), "swaps:mine", _("Swaps and their returns.")),
    Module("discipline", _("Discipline register"), "discipline:register", _("Absences recorded under the rules.")),
    Module("duty", _("On duty"), "duty:home", _("Check-in, duty log, handover, spot checks.")),
    Module("incidents", _("Incidents"), "duty:incidents", _("Incidents with deadlines and escalation.")),
    Module("approvals", _("Approvals"), "approvals:inbox", _("Requests waiting for your decision.")),
    Module("notify", _("Inbox"), "notify:inbox", _("Your notifications.")),
    Module("secrecy", _("Confidentiality"), "secrecy:register", _("Classified-carrier register.")),
    Module("safety", _("Safety"), None, _("Inspections, hazards, vehicles, training.")),
    Module("servicedesk", _("Service desk"), None, _("Customers, service requests, callbacks.")),
    Module("compliance", _("Compliance"), "compliance:unit_list", _("Monthly compliance report per unit.")),
    Module("audit", _("Audit"), "core:audit", _("The tamper-evident audit trail.")),
)


def visible_modules(user: Any) -> list[Module]:
    """No module before the second factor is passed; the audit trail only for whoever may read it."""
    if user is None or not user.is_authenticated or access.awaits_second_factor(user):
        return []
    return [m for m in MODULES if m.slug != "audit" or access.reads_audit_trail(user)]
