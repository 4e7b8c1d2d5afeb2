"""Reads of the media app: the assets behind uploads, and signed playback URLs."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from media import error_codes, signing
from media.models import AssetStatus, MediaAsset


def asset_get_for_upload(*, asset_id: Any) -> MediaAsset:
    asset = MediaAsset.objects.filter(pk=asset_id, status=AssetStatus.AWAITING_UPLOAD).first()
    if asset is None:
        raise Http404("No upload is awaited for this URL.")
    return asset


def asset_lock_awaiting_upload(*, asset_id: Any, field: str) -> MediaAsset:
    """The asset of a presigned upload, locked (one complete call wins); 400 otherwise."""
    asset = MediaAsset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise ValidationError({field: ["No such upload."]}, code=error_codes.UNKNOWN_UPLOAD)
    if asset.status != AssetStatus.AWAITING_UPLOAD:
        raise ValidationError(
            {field: ["This upload was already completed."]},
            code=error_codes.UPLOAD_ALREADY_COMPLETED,
        )
    return asset


def asset_get_ready(*, asset_id: Any) -> MediaAsset | None:
    return MediaAsset.objects.filter(pk=asset_id, status=AssetStatus.READY).first()


def _expiry() -> int:
    """Expiries on a grid of half the TTL, so the same URL is handed out for a while (players
    and image caches keep what they fetched): every URL is valid for between TTL/2 and TTL."""
    step = max(60, settings.MEDIA_PLAYBACK_TTL_SECONDS // 2)
    return (int(time.time()) // step + 2) * step


def asset_playback(*, asset: MediaAsset | None, base_url: str) -> dict[str, Any] | None:
    """The HLS manifest's signed URL of a ready asset (see :func:`_expiry`)."""
    if asset is None or asset.status != AssetStatus.READY:
        return None
    expires = _expiry()
    token = signing.token_make(purpose=signing.PLAYBACK, asset_id=asset.pk, expires_at=expires)
    run, name = asset.manifest_path.split("/")
    path = reverse("media-play", kwargs={"token": token, "run": run, "name": name})
    return {
        "format": "hls",
        "url": base_url.rstrip("/") + path,
        "expires_at": datetime.fromtimestamp(expires, tz=UTC),
        "duration_seconds": asset.duration_seconds,
        "renditions": [
            {"name": r["name"], "width": r["width"], "height": r["height"]}
            for r in asset.renditions
        ],
    }


def asset_thumbnail_url(*, asset: MediaAsset | None, base_url: str) -> str | None:
    """A signed URL of a ready asset's thumbnail (it opens the thumbnail only, never the video;
    valid as long as playback URLs)."""
    if asset is None or asset.status != AssetStatus.READY or not asset.thumbnail_path:
        return None
    expires = _expiry()
    token = signing.token_make(purpose=signing.THUMBNAIL, asset_id=asset.pk, expires_at=expires)
    return base_url.rstrip("/") + reverse("media-thumbnail", kwargs={"token": token})
