"""Sign-in, sign-out and "my account". Top-level names (no namespace): settings.LOGIN_URL is "login"."""

from django.urls import path

from mubiao.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.account, name="account"),
    path("me/token/", views.account_token, name="account_token"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
]
