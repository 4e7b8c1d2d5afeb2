"""Writes of the health app. Other apps import from here and from health.selectors only."""

from .apple_health import AppleHealthSyncResult, apple_health_batch_sync
from .goals import health_goals_update
from .manual import ManualEntry, health_manual_entries_create
from .samples import SampleRow, SourceKey, UpsertResult, health_samples_upsert

__all__ = [
    "AppleHealthSyncResult",
    "ManualEntry",
    "SampleRow",
    "SourceKey",
    "UpsertResult",
    "apple_health_batch_sync",
    "health_goals_update",
    "health_manual_entries_create",
    "health_samples_upsert",
]
