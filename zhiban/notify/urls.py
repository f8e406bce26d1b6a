"""Inbox URLs under /inbox/, with the pages of units' robots and SMS gateways and the gateways' reply address."""

from django.urls import path

from zhiban.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("badge/", views.badge, name="badge"),
    path("preferences/", views.preferences, name="preferences"),
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_create, name="channel_create"),
    path("channels/<str:public_id>/edit/", views.channel_edit, name="channel_edit"),
    path("deliveries/", views.delivery_problems, name="delivery_problems"),
    path("deliveries/<str:public_id>/retry/", views.delivery_retry, name="delivery_retry"),
    path("sms/<str:public_id>/replies/", views.sms_reply, name="sms_reply"),
    path("<str:public_id>/read/", views.mark_read, name="read"),
]
