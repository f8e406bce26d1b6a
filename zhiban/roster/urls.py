"""Roster pages under /roster/ (the board and the kiosk live at /board/ and /kiosk/<token>/, see board_urls.py)."""

from django.urls import include, path

from zhiban.roster import views

app_name = "roster"

urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("setup/<str:unit_id>/", views.setup, name="setup"),
    path("kiosk-tokens/", views.kiosk_tokens, name="kiosk_tokens"),
    path("kiosk-tokens/<str:public_id>/revoke/", views.kiosk_token_revoke, name="kiosk_token_revoke"),
    path("", include("zhiban.roster.export_urls")),
    path("", include("zhiban.roster.generation.urls")),
    path("", include("zhiban.roster.compensation.urls")),
    path("<str:public_id>/", views.period_detail, name="period_detail"),
    path("<str:public_id>/cell/", views.cell_edit, name="cell_edit"),
    path("<str:public_id>/publish/", views.period_publish, name="period_publish"),
    path("<str:public_id>/versions/", views.version_list, name="version_list"),
    path("<str:public_id>/diff/", views.version_diff, name="version_diff"),
]
