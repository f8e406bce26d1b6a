from django.urls import path

from zhiban.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.pack_list, name="pack_list"),
    path("packs/<slug:pack_id>/", views.pack_detail, name="pack_detail"),
    path("live/adopt/", views.policy_adopt, name="policy_adopt"),
    path("live/<str:public_id>/", views.policy_detail, name="policy_detail"),
    path("live/<str:public_id>/compare/", views.policy_compare, name="policy_compare"),
    path("live/<str:public_id>/rules/<str:rule_id>/<slug:name>/", views.parameter_edit, name="parameter_edit"),
]
