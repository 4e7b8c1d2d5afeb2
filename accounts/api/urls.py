from django.urls import path

from . import views

urlpatterns = [
    path("register", views.RegisterView.as_view(), name="auth-register"),
    path("login", views.LoginView.as_view(), name="auth-login"),
    path("refresh-token", views.RefreshView.as_view(), name="auth-refresh-token"),
    path("logout", views.LogoutView.as_view(), name="auth-logout"),
    path("social/google", views.GoogleSignInView.as_view(), name="auth-social-google"),
    path("social/apple", views.AppleSignInView.as_view(), name="auth-social-apple"),
    path("sessions", views.SessionListView.as_view(), name="auth-sessions"),
    path(
        "sessions/<uuid:session_id>", views.SessionDetailView.as_view(), name="auth-session-detail"
    ),
    path("password-reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "password-reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
]
