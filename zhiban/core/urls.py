from django.urls import path

from zhiban.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.board, name="board"),
    path("audit/", views.audit_list, name="audit"),
    path("m/<slug:slug>/", views.module, name="module"),
]
