"""The roster app: shift types from the pack, periods, versions, assignments and the duty board."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "zhiban.roster"
    label = "roster"
    verbose_name = _("Rosters")
    default_auto_field = "django.db.models.BigAutoField"
