from django.urls import path

from . import favorites, views

urlpatterns = [
    path("profile", views.ProfileView.as_view(), name="users-profile"),
    path("settings", views.UserSettingsView.as_view(), name="users-settings"),
    path("progress", favorites.TrainingProgressView.as_view(), name="users-progress"),
    path("favorites", favorites.FavoritesView.as_view(), name="users-favorites"),
    path(
        "favorites/<uuid:favorite_id>",
        favorites.FavoriteDetailView.as_view(),
        name="users-favorite-detail",
    ),
]
