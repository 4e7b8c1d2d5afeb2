from django.urls import path

from . import views

urlpatterns = [
    path("profile", views.ProfileView.as_view(), name="users-profile"),
    path("settings", views.UserSettingsView.as_view(), name="users-settings"),
]
