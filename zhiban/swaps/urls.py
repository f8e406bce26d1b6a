"""Pages of the swaps app: my swaps, asking, the open board, a swap's page (accept, decide, judge), return
debts and the monthly swap register. The absence register moved to the discipline register (/discipline/); its old
addresses here still arrive there."""

from django.urls import path

from zhiban.core.redirects import moved
from zhiban.swaps import views

app_name = "swaps"

urlpatterns = [
    path("", views.my_swaps, name="mine"),
    path("new/", views.swap_new, name="new"),
    path("board/", views.board, name="board"),
    path("debts/", views.debts, name="debts"),
    path("register/", views.register, name="register"),
    path("register/xlsx/", views.register_xlsx, name="register_xlsx"),
    path("absences/", moved("discipline:register")),
    path("absences/record/", moved("discipline:absence_record")),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/accept/", views.accept, name="accept"),
    path("<str:public_id>/decline/", views.decline, name="decline"),
    path("<str:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:public_id>/decide/", views.decide, name="decide"),
    path("<str:public_id>/judge/", views.judge, name="judge"),
]
