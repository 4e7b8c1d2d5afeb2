"""The "media" storage (django-storages): local files by default, S3 when configured.

Callers name files by key (``media/<asset>/...``); this module hides the two backends'
differences: presigned uploads and reads exist only on S3 (local files are uploaded and played
through our own signed endpoints), and deleting a prefix is one batch call on S3.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages


def media_storage() -> Storage:
    return storages["media"]


def storage_is_s3() -> bool:
    return hasattr(media_storage(), "bucket_name")


def _s3_client() -> Any:
    return media_storage().connection.meta.client  # type: ignore[attr-defined]


def storage_put_file(*, key: str, path: Path, content_type: str) -> None:
    """Store a local file under exactly ``key`` (replacing what was there)."""
    storage = media_storage()
    if storage_is_s3():
        _s3_client().upload_file(
            str(path),
            storage.bucket_name,  # type: ignore[attr-defined]
            key,
            ExtraArgs={"ContentType": content_type},
        )
        return
    with path.open("rb") as handle:
        storage_put_upload(key=key, upload=File(handle))


def storage_put_upload(*, key: str, upload: File) -> None:
    """Store an open file under exactly ``key`` (replacing what was there)."""
    storage = media_storage()
    if storage.exists(key):
        storage.delete(key)
    upload.seek(0)
    stored = storage.save(key, upload)
    if stored != key:  # FileSystemStorage renames on a clash; there must be none
        raise RuntimeError(f"stored {key} as {stored}")


def storage_read_head(*, key: str, size: int = 8192) -> bytes:
    storage = media_storage()
    if storage_is_s3():
        answer = _s3_client().get_object(
            Bucket=storage.bucket_name,  # type: ignore[attr-defined]
            Key=key,
            Range=f"bytes=0-{size - 1}",
        )
        return bytes(answer["Body"].read())
    with storage.open(key, "rb") as handle:
        return bytes(handle.read(size))


def storage_download(*, key: str, target: Path) -> None:
    storage = media_storage()
    if storage_is_s3():
        _s3_client().download_file(storage.bucket_name, key, str(target))  # type: ignore[attr-defined]
        return
    with storage.open(key, "rb") as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink, 1024 * 1024)


def storage_local_path(key: str) -> str | None:
    storage = media_storage()
    return storage.path(key) if isinstance(storage, FileSystemStorage) else None


def storage_presigned_get(*, key: str, expires_in: int) -> str:
    """A presigned GET (S3 only): S3 itself refuses it once expired or altered."""
    return str(
        _s3_client().generate_presigned_url(
            "get_object",
            Params={"Bucket": media_storage().bucket_name, "Key": key},  # type: ignore[attr-defined]
            ExpiresIn=expires_in,
        )
    )


def storage_presigned_post(*, key: str, max_bytes: int, expires_in: int) -> dict[str, Any]:
    """A presigned POST (S3 only) whose policy pins the key and caps the size: S3 refuses a
    larger body, another key, or a late upload."""
    return dict(
        _s3_client().generate_presigned_post(
            Bucket=media_storage().bucket_name,  # type: ignore[attr-defined]
            Key=key,
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in,
        )
    )


def storage_delete_prefix(prefix: str) -> int:
    """Delete every file under ``prefix/``; answers how many."""
    prefix = prefix.rstrip("/") + "/"
    storage = media_storage()
    if storage_is_s3():
        bucket = storage.bucket  # type: ignore[attr-defined]
        deleted = 0
        for batch in bucket.objects.filter(Prefix=prefix).page_size(1000).pages():
            keys = [{"Key": item.key} for item in batch]
            if keys:
                bucket.delete_objects(Delete={"Objects": keys, "Quiet": True})
                deleted += len(keys)
        return deleted
    root = Path(storage.path(prefix))
    if not root.exists():
        return 0
    count = sum(1 for item in root.rglob("*") if item.is_file())
    shutil.rmtree(root)
    return count


def storage_list(prefix: str) -> list[str]:
    """Every key under ``prefix/`` (tests and the sweep)."""
    prefix = prefix.rstrip("/") + "/"
    storage = media_storage()
    if storage_is_s3():
        bucket = storage.bucket  # type: ignore[attr-defined]
        return sorted(item.key for item in bucket.objects.filter(Prefix=prefix))
    root = Path(storage.path(prefix))
    if not root.exists():
        return []
    base = Path(storage.path(""))
    return sorted(str(item.relative_to(base)) for item in root.rglob("*") if item.is_file())
