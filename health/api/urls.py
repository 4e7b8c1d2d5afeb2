from django.urls import path

from . import imports, views

urlpatterns = [
    path("data", views.HealthDataView.as_view(), name="health-data"),
    path("sync/apple-health", views.AppleHealthSyncView.as_view(), name="health-sync-apple"),
    path(
        "sync/apple-health/export",
        imports.AppleHealthExportUploadView.as_view(),
        name="health-apple-export-upload",
    ),
    path(
        "sync/apple-health/export/<uuid:import_id>",
        imports.AppleHealthExportStatusView.as_view(),
        name="health-apple-export-status",
    ),
    path("sync/google-fit", views.HealthConnectSyncView.as_view(), name="health-sync-google-fit"),
    path("goals", views.HealthGoalsView.as_view(), name="health-goals"),
    path("metrics", views.HealthMetricsView.as_view(), name="health-metrics"),
    path("sources", views.HealthSourcesView.as_view(), name="health-sources"),
    path("sources/priority", views.HealthSourcePriorityView.as_view(), name="health-priority"),
]
