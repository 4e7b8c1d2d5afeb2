from django.urls import path

from . import views

# The fixed words come before the id route; ids are UUIDs, anything else is a 404.
urlpatterns = [
    path("", views.WorkoutListView.as_view(), name="workouts-list"),
    path("/categories", views.WorkoutCategoriesView.as_view(), name="workouts-categories"),
    path("/featured", views.WorkoutFeaturedView.as_view(), name="workouts-featured"),
    path("/search", views.WorkoutSearchView.as_view(), name="workouts-search"),
    path("/<uuid:workout_id>", views.WorkoutDetailView.as_view(), name="workouts-detail"),
    path("/<uuid:workout_id>/videos", views.WorkoutVideosView.as_view(), name="workouts-videos"),
    path(
        "/<uuid:workout_id>/progress",
        views.WorkoutProgressView.as_view(),
        name="workouts-progress",
    ),
    path("/<uuid:workout_id>/rate", views.WorkoutRateView.as_view(), name="workouts-rate"),
]
