"""Pages of the leave app."""

from django.urls import path  # noqa: F401

app_name = "leave"

urlpatterns: list = []
