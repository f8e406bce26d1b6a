"""The demo organisations (one per policy pack), loaded through the services by `zhiban demo`. An app only for its
command: it has no models, pages or migrations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "zhiban.demo"
    label = "demo"
    verbose_name = _("Demo data")
