"""Writes of the media app: uploads in, the processing pipeline, deletion.

An asset moves awaiting_upload (presigned upload handed out) -> uploaded (source stored and
checked) -> processing -> ready | failed (with the reason). Processing works in a temporary
directory and stores a run's files only once ffmpeg made all of them; a run that fails midway
leaves nothing behind, and the asset points at a run's files only once all are stored.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from media import error_codes, ffmpeg, signing
from media.models import AssetStatus, MediaAsset
from media.selectors import asset_get_for_upload, asset_lock_awaiting_upload
from media.sniff import HEAD_BYTES, video_type_sniff
from media.storage import (
    media_storage,
    storage_delete_prefix,
    storage_download,
    storage_is_s3,
    storage_local_path,
    storage_presigned_get,
    storage_presigned_post,
    storage_put_file,
    storage_put_upload,
    storage_read_head,
)

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
}


class TransientMediaError(Exception):
    """Storage unreachable and the like: the task retries."""


@dataclass
class CheckedUpload:
    """An uploaded file that is a whole, readable video, copied to a private work directory
    (removed by :meth:`close`, or when the object is garbage-collected)."""

    path: Path
    filename: str
    content_type: str
    size_bytes: int
    probe: ffmpeg.Probe
    _cleanup: Any = field(default=None, repr=False)

    @property
    def duration_whole_seconds(self) -> int:
        return max(1, math.ceil(self.probe.duration_seconds))

    def close(self) -> None:
        if self._cleanup is not None:
            self._cleanup()


@dataclass(frozen=True)
class UploadTicket:
    asset: MediaAsset
    method: str
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


def _file_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [message]}, code=code)


def _too_large(field: str, size: int, limit: int) -> ValidationError:
    return _file_error(
        field,
        f"The file is {size} bytes; at most {limit} are accepted here.",
        error_codes.FILE_TOO_LARGE,
    )


def upload_check(*, upload: File, field: str = "file") -> CheckedUpload:
    """Check a direct upload in full before anything is written: the size, what its bytes are
    (sniffed: the name and declared type are not trusted), and every packet readable (a
    truncated file is refused here, not later). 400 naming ``field`` otherwise."""
    limit = settings.MEDIA_DIRECT_UPLOAD_MAX_BYTES
    size = int(upload.size or 0)
    if size > limit:
        raise _too_large(field, size, limit)
    upload.seek(0)
    content_type = video_type_sniff(upload.read(HEAD_BYTES))
    if content_type is None:
        raise _file_error(
            field, "The file is not a video (judged by its content).", error_codes.NOT_A_VIDEO
        )
    work = Path(tempfile.mkdtemp(prefix="fitcore-upload-"))
    try:
        path = work / "source"
        upload.seek(0)
        with path.open("wb") as sink:
            for chunk in upload.chunks():
                sink.write(chunk)
        try:
            ffmpeg.integrity_check(path)
            probe = ffmpeg.probe(str(path))
        except ffmpeg.MediaToolError as exc:
            raise _file_error(
                field, f"The video cannot be read: {exc.reason}", error_codes.VIDEO_UNREADABLE
            ) from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    checked = CheckedUpload(
        path=path,
        filename=(upload.name or "")[:255],
        content_type=content_type,
        size_bytes=size,
        probe=probe,
    )
    checked._cleanup = weakref.finalize(checked, shutil.rmtree, work, True)
    return checked


@contextmanager
def upload_checked(*, upload: File, field: str = "file") -> Iterator[CheckedUpload]:
    """:func:`upload_check`, with the work copy removed on leaving the block."""
    checked = upload_check(upload=upload, field=field)
    try:
        yield checked
    finally:
        checked.close()


def _apply_probe(asset: MediaAsset, probe: ffmpeg.Probe) -> None:
    asset.duration_seconds = probe.duration_seconds
    asset.width = probe.width
    asset.height = probe.height
    asset.has_audio = probe.has_audio


def _process_on_commit(asset_id: Any) -> None:
    from media.tasks import media_asset_process

    media_asset_process.delay_on_commit(str(asset_id))


def asset_create_from_upload(
    *, checked: CheckedUpload, actor: Any, enqueue: bool = True
) -> MediaAsset:
    """Store a checked upload as a new asset and queue its processing (after commit; with
    ``enqueue=False`` the caller runs :func:`asset_process` itself). Call it inside the
    caller's transaction, after its other writes: should that transaction roll back, the
    caller calls :func:`asset_files_discard`."""
    asset = MediaAsset(
        status=AssetStatus.UPLOADED,
        original_filename=checked.filename,
        content_type=checked.content_type,
        size_bytes=checked.size_bytes,
        created_by_id=getattr(actor, "pk", None),
    )
    _apply_probe(asset, checked.probe)
    asset.save()
    storage_put_file(key=asset.source_key, path=checked.path, content_type=checked.content_type)
    if enqueue:
        _process_on_commit(asset.pk)
    return asset


def asset_files_discard(*, asset_id: Any) -> None:
    """Delete an asset's files now (a write that stored files and then rolled back)."""
    storage_delete_prefix(f"media/{asset_id}")


@contextmanager
def asset_stored(
    *, checked: CheckedUpload, actor: Any, enqueue: bool = True
) -> Iterator[MediaAsset]:
    """One transaction around a new asset (:func:`asset_create_from_upload`) and the caller's
    writes in the block; if the block fails, the transaction rolls back and the stored files
    are deleted, so a refused write leaves no orphan files."""
    asset: MediaAsset | None = None
    try:
        with transaction.atomic():
            asset = asset_create_from_upload(checked=checked, actor=actor, enqueue=enqueue)
            yield asset
    except BaseException:
        if asset is not None:
            asset_files_discard(asset_id=asset.pk)
        raise


def asset_upload_start(*, actor: Any, filename: str, size_bytes: int) -> UploadTicket:
    """Hand out a presigned upload: a POST of a multipart form (``fields``, then the file as
    ``file``) to ``url`` before ``expires_at``. On S3 the policy caps the size and pins the key;
    with local storage the URL is our own signed upload endpoint, which does the same."""
    limit = settings.MEDIA_UPLOAD_MAX_BYTES
    if size_bytes > limit:
        raise _too_large("size_bytes", size_bytes, limit)
    ttl = settings.MEDIA_UPLOAD_URL_TTL_SECONDS
    asset = MediaAsset.objects.create(
        status=AssetStatus.AWAITING_UPLOAD,
        original_filename=filename[:255],
        size_bytes=size_bytes,
        created_by_id=getattr(actor, "pk", None),
    )
    expires = int(time.time()) + ttl
    if storage_is_s3():
        post = storage_presigned_post(key=asset.source_key, max_bytes=limit, expires_in=ttl)
        url, fields = post["url"], dict(post["fields"])
    else:
        token = signing.token_make(purpose=signing.UPLOAD, asset_id=asset.pk, expires_at=expires)
        url, fields = reverse("media-upload", kwargs={"token": token}), {}
    return UploadTicket(
        asset=asset,
        method="POST",
        url=url,
        fields=fields,
        expires_at=datetime.fromtimestamp(expires, tz=timezone.get_current_timezone()),
        max_bytes=limit,
    )


def asset_upload_receive(*, asset_id: Any, upload: UploadedFile) -> None:
    """The local-storage stand-in for S3's presigned POST (the view checked the signed token):
    an asset still awaiting its upload, and a body within the limit."""
    asset = asset_get_for_upload(asset_id=asset_id)
    limit = settings.MEDIA_UPLOAD_MAX_BYTES
    if int(upload.size or 0) > limit:
        raise _too_large("file", int(upload.size or 0), limit)
    storage_put_upload(key=asset.source_key, upload=upload)


def asset_upload_complete(*, upload_id: Any, field: str = "upload_id") -> MediaAsset:
    """Turn a presigned upload into an uploaded asset: the file must be in storage, within the
    size limit, start like a video and have readable headers; otherwise it is deleted and the
    upload can be made again. Processing is queued after the caller's commit."""
    with transaction.atomic():
        asset = asset_lock_awaiting_upload(asset_id=upload_id, field=field)
        if not media_storage().exists(asset.source_key):
            raise _file_error(field, "Nothing was uploaded yet.", error_codes.UPLOAD_MISSING)
        head = storage_read_head(key=asset.source_key, size=HEAD_BYTES)
        size = int(media_storage().size(asset.source_key))
        limit = settings.MEDIA_UPLOAD_MAX_BYTES
        problem: ValidationError | None = None
        content_type = video_type_sniff(head)
        if size > limit:
            problem = _too_large(field, size, limit)
        elif content_type is None:
            problem = _file_error(
                field, "The file is not a video (judged by its content).", error_codes.NOT_A_VIDEO
            )
        else:
            try:
                probe = ffmpeg.probe(_readable_source(asset))
            except ffmpeg.MediaToolError as exc:
                problem = _file_error(
                    field, f"The video cannot be read: {exc.reason}", error_codes.VIDEO_UNREADABLE
                )
        if problem is not None:
            storage_delete_prefix(asset.prefix)
            raise problem
        asset.status = AssetStatus.UPLOADED
        asset.size_bytes = size
        asset.content_type = content_type or ""
        _apply_probe(asset, probe)
        asset.save()
        _process_on_commit(asset.pk)
    return asset


def _readable_source(asset: MediaAsset) -> str:
    """A path or URL ffmpeg can read the stored source from (headers only are read)."""
    local = storage_local_path(asset.source_key)
    return (
        local if local is not None else storage_presigned_get(key=asset.source_key, expires_in=300)
    )


def asset_process(*, asset_id: Any) -> None:
    """The pipeline (a Celery task runs it; safe to run twice): claim the asset, check the
    source in full, probe, thumbnail, HLS renditions, store the run, point the asset at it."""
    started = time.monotonic()
    claimed = MediaAsset.objects.filter(pk=asset_id, status=AssetStatus.UPLOADED).update(
        status=AssetStatus.PROCESSING,
        run=F("run") + 1,
        failure_reason="",
        updated_at=timezone.now(),
    )
    if not claimed:
        return  # processed, processing elsewhere, deleted, or not uploaded
    asset = MediaAsset.objects.get(pk=asset_id)
    run_dir = f"run-{asset.run}"
    try:
        with tempfile.TemporaryDirectory(prefix="fitcore-media-") as work_dir:
            work = Path(work_dir)
            source = work / "source"
            try:
                storage_download(key=asset.source_key, target=source)
            except Exception as exc:
                raise TransientMediaError(f"The source could not be read: {exc}") from exc
            ffmpeg.integrity_check(source)
            probe = ffmpeg.probe(str(source))
            out = work / run_dir
            out.mkdir()
            ffmpeg.thumbnail_make(source=source, target=out / "thumbnail.jpg", probe=probe)
            renditions = ffmpeg.hls_make(source=source, target_dir=out, probe=probe)
            try:
                for path in sorted(out.rglob("*")):
                    if path.is_file():
                        storage_put_file(
                            key=f"{asset.prefix}/{path.relative_to(work)}",
                            path=path,
                            content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
                        )
            except Exception as exc:
                raise TransientMediaError(f"The renditions could not be stored: {exc}") from exc
    except ffmpeg.MediaToolError as exc:
        _run_abandon(asset=asset, run_dir=run_dir, status=AssetStatus.FAILED, reason=exc.reason)
        return
    except TransientMediaError as exc:
        # Back to uploaded: the task's retry (or the sweep) processes it again.
        _run_abandon(asset=asset, run_dir=run_dir, status=AssetStatus.UPLOADED, reason=str(exc))
        raise
    except BaseException:
        _run_abandon(
            asset=asset, run_dir=run_dir, status=AssetStatus.FAILED, reason="Processing crashed."
        )
        raise
    _apply_probe(asset, probe)
    asset.status = AssetStatus.READY
    asset.thumbnail_path = f"{run_dir}/thumbnail.jpg"
    asset.manifest_path = f"{run_dir}/master.m3u8"
    asset.renditions = [
        {
            "name": r.name,
            "width": r.width,
            "height": r.height,
            "video_kbps": r.video_kbps,
            "playlist": f"{run_dir}/{r.playlist}",
        }
        for r in renditions
    ]
    asset.processing_seconds = round(time.monotonic() - started, 3)
    asset.processed_at = timezone.now()
    updated = MediaAsset.objects.filter(pk=asset.pk, status=AssetStatus.PROCESSING, run=asset.run)
    if not updated.update(
        status=asset.status,
        thumbnail_path=asset.thumbnail_path,
        manifest_path=asset.manifest_path,
        renditions=asset.renditions,
        duration_seconds=asset.duration_seconds,
        width=asset.width,
        height=asset.height,
        has_audio=asset.has_audio,
        processing_seconds=asset.processing_seconds,
        processed_at=asset.processed_at,
        updated_at=timezone.now(),
    ):
        storage_delete_prefix(f"{asset.prefix}/{run_dir}")  # deleted or re-run meanwhile
        return
    for old in range(1, asset.run):
        storage_delete_prefix(f"{asset.prefix}/run-{old}")


def _run_abandon(*, asset: MediaAsset, run_dir: str, status: str, reason: str) -> None:
    storage_delete_prefix(f"{asset.prefix}/{run_dir}")
    MediaAsset.objects.filter(pk=asset.pk, status=AssetStatus.PROCESSING, run=asset.run).update(
        status=status, failure_reason=reason[:2000], updated_at=timezone.now()
    )


def asset_reprocess(*, asset: MediaAsset) -> bool:
    """Queue a failed or ready asset for processing again (after commit)."""
    with transaction.atomic():
        count = MediaAsset.objects.filter(
            pk=asset.pk, status__in=[AssetStatus.FAILED, AssetStatus.READY]
        ).update(status=AssetStatus.UPLOADED, updated_at=timezone.now())
        if count:
            _process_on_commit(asset.pk)
    return bool(count)


def asset_delete(*, asset_id: Any) -> None:
    """Delete an asset; its files go once the transaction commits (a background task)."""
    from media.tasks import media_files_delete

    with transaction.atomic():
        MediaAsset.objects.filter(pk=asset_id).delete()
        media_files_delete.delay_on_commit(f"media/{asset_id}")


def assets_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Re-drive what a lost task or a dead worker left behind: uploaded assets not picked up,
    processing runs past their time, and presigned uploads never completed (deleted a day after
    their URL expired)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.MEDIA_PROCESSING_STALE_SECONDS)
    from media.tasks import media_asset_process

    stuck = list(
        MediaAsset.objects.filter(status=AssetStatus.PROCESSING, updated_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    MediaAsset.objects.filter(pk__in=stuck, status=AssetStatus.PROCESSING).update(
        status=AssetStatus.UPLOADED, updated_at=now
    )
    waiting = list(
        MediaAsset.objects.filter(
            status=AssetStatus.UPLOADED, updated_at__lt=now - timedelta(minutes=5)
        ).values_list("pk", flat=True)
    )
    for asset_id in [*stuck, *waiting]:
        media_asset_process.delay(str(asset_id))
    requeued = len(stuck) + len(waiting)
    abandoned_before = now - timedelta(seconds=settings.MEDIA_UPLOAD_URL_TTL_SECONDS + 86400)
    abandoned = list(
        MediaAsset.objects.filter(
            status=AssetStatus.AWAITING_UPLOAD, created_at__lt=abandoned_before
        ).values_list("pk", flat=True)
    )
    for asset_id in abandoned:
        asset_delete(asset_id=asset_id)
    return {"requeued": requeued, "abandoned_deleted": len(abandoned)}
