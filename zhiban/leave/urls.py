"""Pages of the leave app."""

from django.urls import path

from zhiban.leave import views

app_name = "leave"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.leave_new, name="new"),
    path("preview/", views.leave_preview, name="preview"),
    path("<str:public_id>/", views.leave_detail, name="detail"),
    path("<str:public_id>/decide/", views.leave_decide, name="decide"),
    path("<str:public_id>/cancel/", views.leave_cancel, name="cancel"),
    path("<str:public_id>/return/", views.leave_return, name="return"),
    path("<str:public_id>/cover/", views.cover_choose, name="cover"),
    path("<str:public_id>/certificate/", views.certificate_upload, name="certificate"),
    path("<str:public_id>/certificate/file/", views.certificate_download, name="certificate_file"),
    path("substitutions/new/", views.substitution_new, name="substitution_new"),
    path("substitutions/<str:public_id>/", views.substitution_detail, name="substitution_detail"),
    path("substitutions/<str:public_id>/decide/", views.substitution_decide, name="substitution_decide"),
    path("substitutions/<str:public_id>/cancel/", views.substitution_cancel, name="substitution_cancel"),
    path("rest/new/", views.rest_new, name="rest_new"),
    path("rest/<str:public_id>/", views.rest_detail, name="rest_detail"),
    path("rest/<str:public_id>/decide/", views.rest_decide, name="rest_decide"),
    path("rest/<str:public_id>/cancel/", views.rest_cancel, name="rest_cancel"),
]
