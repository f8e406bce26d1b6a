from django.urls import path

from zhiban.secrecy import views

app_name = "secrecy"

urlpatterns = [
    path("", views.register, name="register"),
    path("carriers/new/", views.carrier_receive, name="receive"),
    path("carriers/<str:public_id>/", views.carrier, name="carrier"),
    path("carriers/<str:public_id>/move/", views.carrier_move, name="move"),
    path("carriers/<str:public_id>/archive/", views.carrier_archive, name="archive"),
    path("clearances/", views.clearances, name="clearances"),
]
