"""Pages of the swaps app."""

from django.urls import path  # noqa: F401

app_name = "swaps"

urlpatterns: list = []
