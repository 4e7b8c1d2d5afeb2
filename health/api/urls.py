from django.urls import path

from . import views

urlpatterns = [
    path("data", views.HealthDataView.as_view(), name="health-data"),
    path("sync/apple-health", views.AppleHealthSyncView.as_view(), name="health-sync-apple"),
    path("goals", views.HealthGoalsView.as_view(), name="health-goals"),
]
