from django.urls import include, path

from zhiban.config.api import api

urlpatterns = [
    path("", include("zhiban.core.urls")),
    path("", include("zhiban.roster.board_urls")),
    path("accounts/", include("zhiban.accounts.urls")),
    path("org/", include("zhiban.org.urls")),
    path("calendar/", include("zhiban.calendar.urls")),
    path("inbox/", include("zhiban.notify.urls")),
    path("policy/", include("zhiban.policy.urls")),
    path("roster/", include("zhiban.roster.urls")),
    path("approvals/", include("zhiban.approvals.urls")),
    path("leave/", include("zhiban.leave.urls")),
    path("swaps/", include("zhiban.swaps.urls")),
    path("discipline/", include("zhiban.discipline.urls")),
    path("duty/", include("zhiban.duty.urls")),
    path("secrecy/", include("zhiban.secrecy.urls")),
    path("compliance/", include("zhiban.compliance.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
]
