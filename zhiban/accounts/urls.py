from django.urls import path

from zhiban.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("security/", views.security_overview, name="security"),
    path("security/unlock/", views.account_unlock, name="unlock"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<str:public_id>/revoke/", views.token_revoke, name="token_revoke"),
]
