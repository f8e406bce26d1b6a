"""Pages of the swaps app: my swaps, asking, the open board, a swap's page (accept, decide, judge), return
debts, the monthly swap register and the absence register."""

from django.urls import path

from zhiban.swaps import views

app_name = "swaps"

urlpatterns = [
    path("", views.my_swaps, name="mine"),
    path("new/", views.swap_new, name="new"),
    path("board/", views.board, name="board"),
    path("debts/", views.debts, name="debts"),
    path("register/", views.register, name="register"),
    path("register/xlsx/", views.register_xlsx, name="register_xlsx"),
    path("absences/", views.absences, name="absences"),
    path("absences/record/", views.absence_new, name="absence_record"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/accept/", views.accept, name="accept"),
    path("<str:public_id>/decline/", views.decline, name="decline"),
    path("<str:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:public_id>/decide/", views.decide, name="decide"),
    path("<str:public_id>/judge/", views.judge, name="judge"),
]
