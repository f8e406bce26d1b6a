"""Compensatory rest and allowance pages under /roster/rest/ (namespace `roster`)."""

from django.urls import path

from zhiban.roster.rest import views

urlpatterns = [
    path("", views.rest_balances, name="rest_balances"),
    path("people/<str:public_id>/", views.rest_person, name="rest_person"),
    path("people/<str:public_id>/take/", views.rest_take, name="rest_take"),
    path("allowance/<str:unit_id>/", views.allowance_report, name="allowance_report"),
    path("allowance/<str:unit_id>/xlsx/", views.allowance_xlsx, name="allowance_xlsx"),
]
