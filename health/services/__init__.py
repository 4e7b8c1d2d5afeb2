"""Writes of the health app. Other apps import from here and from health.selectors only."""

from .apple_export import (
    ImportProgress,
    apple_health_export_file_import,
    apple_health_export_import_run,
    apple_health_export_upload,
)
from .apple_health import AppleHealthSyncResult, apple_health_batch_sync
from .goals import health_goals_update
from .health_connect import HealthConnectSyncResult, health_connect_batch_sync
from .manual import ManualEntry, health_manual_entries_create
from .priorities import health_source_priority_set
from .rollups import health_summaries_ensure_zone, health_summaries_rebuild
from .samples import SampleRow, SourceKey, UpsertResult, health_samples_upsert

__all__ = [
    "AppleHealthSyncResult",
    "HealthConnectSyncResult",
    "ImportProgress",
    "ManualEntry",
    "SampleRow",
    "SourceKey",
    "UpsertResult",
    "apple_health_batch_sync",
    "apple_health_export_file_import",
    "apple_health_export_import_run",
    "apple_health_export_upload",
    "health_connect_batch_sync",
    "health_goals_update",
    "health_manual_entries_create",
    "health_samples_upsert",
    "health_source_priority_set",
    "health_summaries_ensure_zone",
    "health_summaries_rebuild",
]
