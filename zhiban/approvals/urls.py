"""The approver's inbox under /approvals/."""

from django.urls import path

from zhiban.approvals import views

app_name = "approvals"

urlpatterns = [path("", views.inbox, name="inbox")]
