"""Core pages at the site's root: home, the placeholders of modules not built yet, the audit trail. (The duty board
and the kiosk are the roster app's, zhiban/roster/board_urls.py.)"""

from django.urls import path

from zhiban.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit"),
    path("m/<slug:slug>/", views.module, name="module"),
]
