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
