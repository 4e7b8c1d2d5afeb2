"""Background work of the media app. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError
from celery import shared_task

from media import services
from media.storage import storage_delete_prefix


@shared_task(
    autoretry_for=(services.TransientMediaError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
)
def media_asset_process(asset_id: str) -> None:
    services.asset_process(asset_id=asset_id)


@shared_task(autoretry_for=(OSError, BotoCoreError), retry_backoff=30, max_retries=5)
def media_files_delete(prefix: str) -> int:
    return storage_delete_prefix(prefix)


@shared_task
def media_sweep() -> dict[str, int]:
    return services.assets_sweep()
