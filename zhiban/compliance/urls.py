"""合规月报 under /compliance/."""

from django.urls import path

from zhiban.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<str:unit_id>/", views.monthly, name="monthly"),
    path("<str:unit_id>/xlsx/", views.monthly_xlsx, name="monthly_xlsx"),
]
