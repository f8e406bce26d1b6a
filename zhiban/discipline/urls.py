"""Pages of the discipline register under /discipline/ (the old /swaps/absences/ addresses redirect here)."""

from django.urls import path

from zhiban.discipline import views

app_name = "discipline"

urlpatterns = [
    path("", views.register, name="register"),
    path("absences/record/", views.absence_new, name="absence_record"),
]
