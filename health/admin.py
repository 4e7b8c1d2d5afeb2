"""Health data in the admin: read-only, browsable per user, metric and source."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin

from .catalog import SPECS, Metric
from .models import Goals, HealthImport, Sample, Source, Stream


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ("user", "platform", "app_name", "device_name", "device_model", "created_at")
    list_filter = ("platform",)
    search_fields = ("user__email", "app_name", "app_id", "device_name")
    list_select_related = ("user",)


@admin.register(Stream)
class StreamAdmin(ReadOnlyAdmin):
    """Samples are browsed per stream (one user, one metric, one source): Django's admin cannot
    list a model with a composite primary key, so the stream page shows its samples."""

    list_display = ("user", "metric", "source", "sample_count")
    list_filter = ("metric", "source__platform")
    search_fields = ("user__email",)
    list_select_related = ("user", "source")
    fields = ("user", "metric", "source", "samples")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(samples_total=Count("sample"))

    @admin.display(description="samples", ordering="samples_total")
    def sample_count(self, stream: Stream) -> int:
        return int(getattr(stream, "samples_total", 0))

    @admin.display(description="latest samples (500 at most)")
    def samples(self, stream: Stream) -> str:
        unit = SPECS[Metric(stream.metric)].unit
        rows = Sample.objects.filter(stream=stream).order_by("-start")[:500]
        return format_html(
            "<table><tr><th>start</th><th>duration (s)</th><th>value ({})</th><th>kind</th>"
            "</tr>{}</table>",
            unit,
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (row.start.isoformat(), row.duration_s, f"{row.value:g}", row.kind)
                    for row in rows
                ),
            ),
        )


@admin.register(Goals)
class GoalsAdmin(ReadOnlyAdmin):
    list_display = ("user", "daily_steps", "sleep_minutes", "daily_water_ml", "target_weight_kg")
    search_fields = ("user__email",)
    list_select_related = ("user",)


@admin.register(HealthImport)
class HealthImportAdmin(ReadOnlyAdmin):
    """Apple Health export imports: who, how big, how far, and why one failed."""

    list_display = (
        "id",
        "user",
        "status",
        "original_filename",
        "size_bytes",
        "records_seen",
        "samples_stored",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "error_code", "created_at")
    search_fields = ("user__email", "id")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
