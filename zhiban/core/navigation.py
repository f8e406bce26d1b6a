"""The modules of zhiban (ARCHITECTURE.md "Shape") as the navigation shows them."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    slug: str
    label: str | Promise
    url_name: str | None  # None: not built yet; the placeholder page says so
    summary: str | Promise


MODULES: tuple[Module, ...] = (
    Module("board", _("Duty board"), "core:board", _("Who is on duty now, today and tomorrow.")),
    Module("org", _("Organisation"), "org:unit_list", _("Units, people, roles and imports.")),
    Module("calendar", _("Calendar"), "calendar:home", _("Holidays, make-up workdays and seasons.")),
    Module("policy", _("Policies"), "policy:pack_list", _("Policy packs and the rules they apply.")),
    Module("roster", _("Rosters"), "roster:period_list", _("Generate, edit, publish and export duty rosters.")),
    Module("requests", _("Leave & swaps"), "leave:home", _("Leave, swaps, substitutions and compensatory rest.")),
    Module("swaps", _("Swaps"), "swaps:mine", _("Swaps, returns and the absence register.")),
    Module("duty", _("Duty operations"), None, _("Check-in, duty log, handover, spot checks.")),
    Module("incidents", _("Incidents"), None, _("Incidents with deadlines and escalation.")),
    Module("approvals", _("Approvals"), "approvals:inbox", _("Requests waiting for your decision.")),
    Module("notify", _("Inbox"), "notify:inbox", _("Your notifications.")),
    Module("secrecy", _("Confidentiality"), None, _("Classified-carrier register.")),
    Module("safety", _("Safety"), None, _("Inspections, hazards, vehicles, training.")),
    Module("servicedesk", _("Service desk"), None, _("Customers, service requests, callbacks.")),
    Module("compliance", _("Compliance"), "compliance:unit_list", _("Monthly compliance report per unit.")),
    Module("audit", _("Audit"), "core:audit", _("The tamper-evident audit trail.")),
)
