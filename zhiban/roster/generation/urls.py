"""Generation and fairness pages, included into the roster URLs (namespace `roster`)."""

from django.urls import path

from zhiban.roster.generation import views

urlpatterns = [
    path("generate/<str:public_id>/", views.generation_page, name="generation"),
    path("generate/<str:public_id>/start/", views.generation_start, name="generation_start"),
    path("generation-runs/<str:public_id>/", views.run_panel, name="generation_run"),
    path("generation-runs/<str:public_id>/stop/", views.run_stop, name="generation_stop"),
    path("fairness/<str:unit_id>/", views.fairness_report, name="fairness"),
]
