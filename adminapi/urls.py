"""The admin API, mounted at /api/admin/ (the Django admin dashboard is /admin/)."""

from django.urls import path

from adminapi.api import views

urlpatterns = [
    path("workouts", views.AdminWorkoutListView.as_view(), name="admin-workouts"),
    path(
        "workouts/<uuid:workout_id>",
        views.AdminWorkoutDetailView.as_view(),
        name="admin-workouts-detail",
    ),
    path("videos", views.AdminVideoCreateView.as_view(), name="admin-videos"),
    path("videos/uploads", views.AdminVideoUploadStartView.as_view(), name="admin-video-uploads"),
    path(
        "videos/<uuid:video_id>", views.AdminVideoDetailView.as_view(), name="admin-videos-detail"
    ),
    path("users", views.AdminUserListView.as_view(), name="admin-users"),
]
