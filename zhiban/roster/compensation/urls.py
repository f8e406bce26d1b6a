"""Compensatory rest pages under /roster/compensatory-rest/ and the allowance report under /roster/allowance/
(namespace `roster`); the old addresses under /roster/rest/ redirect to them."""

from django.urls import path

from zhiban.core.redirects import moved
from zhiban.roster.compensation import views

urlpatterns = [
    path("compensatory-rest/", views.rest_balances, name="compensatory_rest_balances"),
    path("compensatory-rest/people/<str:public_id>/", views.rest_person, name="compensatory_rest_person"),
    path("compensatory-rest/people/<str:public_id>/take/", views.rest_take, name="compensatory_rest_take"),
    path("allowance/<str:unit_id>/", views.allowance_report, name="allowance_report"),
    path("allowance/<str:unit_id>/xlsx/", views.allowance_xlsx, name="allowance_xlsx"),
    path("rest/", moved("roster:compensatory_rest_balances")),
    path("rest/people/<str:public_id>/", moved("roster:compensatory_rest_person")),
    path("rest/people/<str:public_id>/take/", moved("roster:compensatory_rest_take")),
    path("rest/allowance/<str:unit_id>/", moved("roster:allowance_report")),
    path("rest/allowance/<str:unit_id>/xlsx/", moved("roster:allowance_xlsx")),
]
