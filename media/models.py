"""Media assets: an uploaded video and what the pipeline made of it.

All of an asset's files live under one storage prefix, ``media/<asset id>/``: the source as
uploaded (``source``), and per processing run ``run-<n>/`` with the thumbnail and the HLS
renditions. A run's files are only referenced once the run has stored all of them, so a failed
or half-stored run is never played (and is deleted).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class AssetStatus(models.TextChoices):
    AWAITING_UPLOAD = "awaiting_upload", "Awaiting upload"  # a presigned upload was handed out
    UPLOADED = "uploaded", "Uploaded"  # the source is stored and checked; processing is due
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class MediaAsset(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        max_length=16, choices=AssetStatus.choices, default=AssetStatus.AWAITING_UPLOAD
    )
    failure_reason = models.TextField(blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True, help_text="sniffed, not declared")
    size_bytes = models.BigIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    has_audio = models.BooleanField(default=False)
    # The current run's outputs, relative to the asset's prefix; empty until ready.
    run = models.PositiveIntegerField(default=0, help_text="processing attempts so far")
    thumbnail_path = models.CharField(max_length=255, blank=True)
    manifest_path = models.CharField(max_length=255, blank=True)
    renditions = models.JSONField(default=list, blank=True)
    processing_seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["status", "updated_at"], name="media_asset_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AssetStatus.READY) | ~Q(manifest_path=""),
                name="media_asset_ready_has_manifest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_filename or self.pk} ({self.status})"

    @property
    def prefix(self) -> str:
        return f"media/{self.pk}"

    @property
    def source_key(self) -> str:
        return f"{self.prefix}/source"
