from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhiban.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from zhiban.core.home import register_home_section
        from zhiban.org import home

        register_home_section(home.TEMPLATE, home.home_values)
