"""The duty board (值日牌) at /board/ and its kiosk at /kiosk/<token>/ (namespace `board`), at the site's root so
that kiosk addresses already handed out keep working."""

from django.urls import path

from zhiban.roster import views

app_name = "board"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("kiosk/<str:token>/", views.kiosk, name="kiosk"),
]
