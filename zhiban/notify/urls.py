"""Inbox URLs under /inbox/."""

from django.urls import path

from zhiban.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("badge/", views.badge, name="badge"),
    path("preferences/", views.preferences, name="preferences"),
    path("<str:public_id>/read/", views.mark_read, name="read"),
]
