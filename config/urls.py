from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api.views import BaselineView, HealthzView, ReadyzView

urlpatterns = [
    path("healthz", HealthzView.as_view(), name="healthz"),
    path("readyz", ReadyzView.as_view(), name="readyz"),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/bench/baseline", BaselineView.as_view(), name="bench-baseline"),
    path("api/auth/", include("accounts.api.urls")),
    path("api/users/", include("profiles.api.urls")),
    path("api/health/", include("health.api.urls")),
    path("api/workouts", include("workouts.api.urls")),
    path("api/media/", include("media.api.urls")),
    path("api/admin/", include("adminapi.urls")),
    path("api/payments/", include("billing.api.urls")),
    path("api/meals/", include("nutrition.api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
