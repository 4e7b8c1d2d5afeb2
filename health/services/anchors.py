"""Sync positions (HealthKit anchors, Health Connect changes tokens), one per device."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from health.models import SyncAnchor


def sync_anchor_keep(*, user: User, platform: str, device_id: str, anchor: str) -> str:
    """Store the device's new position, or answer the stored one when the batch sent none."""
    if anchor:
        SyncAnchor.objects.update_or_create(
            user=user,
            platform=platform,
            device_id=device_id,
            defaults={"anchor": anchor, "updated_at": timezone.now()},
        )
        return anchor
    stored = SyncAnchor.objects.filter(user=user, platform=platform, device_id=device_id).first()
    return stored.anchor if stored else ""
