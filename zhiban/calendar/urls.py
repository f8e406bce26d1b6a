"""The calendar pages under /calendar/."""

from django.urls import path

from zhiban.calendar import views

app_name = "calendar"

urlpatterns = [
    path("", views.year_view, name="home"),
    path("<int:year>/", views.year_view, name="year"),
    path("day/<str:day>/", views.day_view, name="day"),
    path("import/", views.import_view, name="import"),
    path("seasons/", views.season_list, name="seasons"),
    path("seasons/<str:unit>/", views.season_edit, name="season_edit"),
]
