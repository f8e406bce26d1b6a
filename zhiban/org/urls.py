from django.urls import path

from zhiban.org import views

app_name = "org"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<str:public_id>/", views.unit_detail, name="unit_detail"),
    path("units/<str:public_id>/edit/", views.unit_edit, name="unit_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/<str:public_id>/", views.person_detail, name="person_detail"),
    path("people/<str:public_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<str:public_id>/account/", views.account_open, name="account_open"),
    path("people/<str:public_id>/account/active/", views.account_active, name="account_active"),
    path("people/<str:public_id>/roles/", views.role_add, name="role_add"),
    path("people/<str:public_id>/roles/<str:role_id>/remove/", views.role_remove, name="role_remove"),
]
