"""Django-side work for the transcoding figure (bench/studies/media.py), called through
``python -m bench.django_tasks media-transcode`` against the bench database.

A 720p H.264 + AAC source is generated with ffmpeg, stored as an uploaded asset, and put
through the app's own pipeline (``media.services.asset_process``: the full integrity check,
probe, thumbnail, HLS renditions, storing every file); the asset and its files are deleted
afterwards.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any


def transcode(seconds: int) -> dict[str, Any]:
    from django.conf import settings

    from media import ffmpeg, services
    from media.models import AssetStatus, MediaAsset
    from media.storage import storage_delete_prefix, storage_put_file

    with tempfile.TemporaryDirectory(prefix="fitcore-bench-media-") as work:
        source = Path(work) / "source.mp4"
        ffmpeg.sample_video_make(target=source, seconds=seconds, width=1280, height=720)
        asset = MediaAsset.objects.create(
            status=AssetStatus.UPLOADED,
            original_filename="bench-720p.mp4",
            content_type="video/mp4",
            size_bytes=source.stat().st_size,
        )
        try:
            storage_put_file(key=asset.source_key, path=source, content_type="video/mp4")
            started = time.perf_counter()
            services.asset_process(asset_id=asset.pk)
            elapsed = time.perf_counter() - started
            asset.refresh_from_db()
            if asset.status != AssetStatus.READY:
                raise RuntimeError(f"processing ended {asset.status}: {asset.failure_reason}")
            return {
                "source_seconds": asset.duration_seconds,
                "processing_seconds": round(elapsed, 3),
                "renditions": [r["name"] for r in asset.renditions],
                "preset": settings.MEDIA_FFMPEG_PRESET,
                "source_bytes": asset.size_bytes,
            }
        finally:
            MediaAsset.objects.filter(pk=asset.pk).delete()
            storage_delete_prefix(asset.prefix)
