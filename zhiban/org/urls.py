from django.urls import path

from zhiban.org import views

app_name = "org"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("people/", views.person_list, name="person_list"),
]
