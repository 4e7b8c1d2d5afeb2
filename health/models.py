"""Health data: sources, streams and a lean time-series table of samples.

Size matters here (a year of per-minute heart rate is ~525,000 rows for one user), so a sample
row carries only what varies per sample. Who/what/where lives once per *stream*: one user, one
metric, one source. A sample is then (stream, start, duration, value, kind, external id hash):
about 56 bytes of heap plus one B-tree entry, and range reads walk a single index.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .catalog import Metric

METRIC_CHOICES = [(metric.value, metric.api_name) for metric in Metric]


class Float4Field(models.FloatField):
    """A single-precision float (4 bytes): 7 significant digits are plenty for body data."""

    def db_type(self, connection: object) -> str:
        return "real"


class Platform(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    APPLE_HEALTH = "apple_health", "Apple Health"
    HEALTH_CONNECT = "health_connect", "Health Connect"
    GOOGLE_FIT = "google_fit", "Google Fit"


class Source(models.Model):
    """Where samples come from: a platform, the app that wrote them, the device that measured."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_sources"
    )
    platform = models.CharField(max_length=20, choices=Platform.choices)
    app_id = models.CharField(max_length=200, blank=True)  # bundle id / package name
    app_name = models.CharField(max_length=200, blank=True)
    device_name = models.CharField(max_length=200, blank=True)
    device_model = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "platform", "app_id", "device_name", "device_model"],
                name="health_source_identity_unique",
            )
        ]

    def __str__(self) -> str:
        return " / ".join(part for part in (self.platform, self.app_name, self.device_name) if part)

    @property
    def is_watch(self) -> bool:
        return "watch" in f"{self.device_model} {self.device_name}".lower()


class Stream(models.Model):
    """One metric from one source for one user; samples point here."""

    id = models.AutoField(primary_key=True)  # int4: it is repeated in every sample row
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_streams"
    )
    metric = models.PositiveSmallIntegerField(choices=METRIC_CHOICES)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="streams")
    # Which source wins where sources overlap (lower first); null: the default order
    # (watch, phone, other apps, manual entries). See health.services.rollups.
    priority = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "metric", "source"], name="health_stream_identity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{Metric(self.metric).api_name} from {self.source_id}"


class Sample(models.Model):
    """One measurement. The primary key is also the range index and the idempotency key:
    (stream, start, external id hash). Retried uploads of the same sample hit the same key."""

    pk = models.CompositePrimaryKey("stream_id", "start", "external_hash")
    # Column order is chosen for alignment: 8-byte columns first, then 4, then 2 (no padding).
    start = models.DateTimeField()
    # 64-bit hash of the provider's sample id (HealthKit uuid, Health Connect id): lets a
    # deletion find the row and keeps retries idempotent, in 8 bytes instead of a 16-byte uuid.
    external_hash = models.BigIntegerField()
    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, db_index=False)
    duration_s = models.IntegerField(default=0)
    value = Float4Field()
    # Sleep stage, workout activity type...; 0 when the metric has none.
    kind = models.SmallIntegerField(default=0)

    class Meta:
        # No extra index: the primary key (stream, start, ...) serves every range read.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_s__gte=0), name="health_sample_duration_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stream_id}@{self.start.isoformat()}"


class DailySummary(models.Model):
    """One metric's day for one user, in the user's time zone when it was computed.

    Kept up to date by every write (health.services.rollups); metrics read these rows, a few
    hundred a year, instead of aggregating raw samples.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_days"
    )
    metric = models.PositiveSmallIntegerField(choices=METRIC_CHOICES)
    day = models.DateField()
    time_zone = models.CharField(max_length=64)
    total = models.FloatField(default=0)  # sum (cumulative) or seconds (sleep, workouts)
    minimum = models.FloatField(null=True)
    maximum = models.FloatField(null=True)
    count = models.IntegerField(default=0)
    latest = models.FloatField(null=True)  # the day's last value (weight, body fat)
    latest_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "metric", "day"], name="health_daily_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.metric} {self.day}"


class SyncAnchor(models.Model):
    """The device's sync position, echoed back so the next sync resumes where this one ended."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_anchors"
    )
    platform = models.CharField(max_length=20, choices=Platform.choices)
    device_id = models.CharField(max_length=200, blank=True)
    anchor = models.TextField(max_length=20_000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "platform", "device_id"], name="health_anchor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.device_id}"


class Goals(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_goals"
    )
    daily_steps = models.PositiveIntegerField(null=True, blank=True)
    daily_active_energy_kcal = models.PositiveIntegerField(null=True, blank=True)
    sleep_minutes = models.PositiveIntegerField(null=True, blank=True)
    daily_water_ml = models.PositiveIntegerField(null=True, blank=True)
    target_weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "goals"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(daily_steps__lte=100_000), name="health_goal_steps_range"
            ),
            models.CheckConstraint(
                condition=models.Q(daily_active_energy_kcal__lte=10_000),
                name="health_goal_energy_range",
            ),
            models.CheckConstraint(
                condition=models.Q(sleep_minutes__gte=60, sleep_minutes__lte=16 * 60),
                name="health_goal_sleep_range",
            ),
            models.CheckConstraint(
                condition=models.Q(daily_water_ml__lte=10_000), name="health_goal_water_range"
            ),
            models.CheckConstraint(
                condition=models.Q(target_weight_kg__gte=20, target_weight_kg__lte=400),
                name="health_goal_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"goals of {self.user_id}"


def new_external_id() -> str:
    return str(uuid.uuid4())


def health_import_upload_to(instance: HealthImport, filename: str) -> str:
    """Stored under the import's id: the user's file name never reaches a storage path."""
    return f"health-imports/{instance.pk}"


class HealthImport(models.Model):
    """An uploaded Apple Health export ("Export All Health Data": export.zip or export.xml)
    and how its import went. The file is deleted once it has been processed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        PROCESSING = "processing", "Being imported"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Refused; nothing was stored"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_imports"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=health_import_upload_to, max_length=200, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    records_seen = models.BigIntegerField(default=0)
    samples_stored = models.BigIntegerField(default=0)
    samples_unchanged = models.BigIntegerField(default=0)
    # Entries not stored: types FitCore does not keep and individually invalid records.
    skipped = models.BigIntegerField(default=0)
    unknown_types = models.JSONField(default=dict, blank=True)  # type -> how many skipped
    progress_percent = models.PositiveSmallIntegerField(default=0)  # of the XML's bytes read
    error_code = models.CharField(max_length=40, blank=True)
    error = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="health_import_user_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100), name="health_import_progress_lte_100"
            )
        ]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def progress_cache_key(self) -> str:
        """Where a running import keeps its progress (the row is written when it ends)."""
        return f"health:import:{self.pk}:progress"
