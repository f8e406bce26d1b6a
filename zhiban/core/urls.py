from django.urls import path

from zhiban.core import views
from zhiban.roster import views as roster_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("board/", roster_views.board, name="board"),
    path("kiosk/<str:token>/", roster_views.kiosk, name="kiosk"),
    path("audit/", views.audit_list, name="audit"),
    path("m/<slug:slug>/", views.module, name="module"),
]
