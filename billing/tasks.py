"""Celery tasks of the billing app: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task

from billing.providers.types import ProviderUnavailable


@shared_task(
    autoretry_for=(ProviderUnavailable,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=48,
)
def google_play_purchase_acknowledge(*, product_id: str, purchase_token: str, kind: str) -> str:
    """Acknowledge a granted Google Play purchase (Google refunds it if that has not happened
    within 3 days). Safe to run twice: acknowledging an acknowledged purchase is a no-op at
    Google. Retried while Google is unreachable."""
    from billing.services.store import google_play_acknowledge

    google_play_acknowledge(product_id=product_id, purchase_token=purchase_token, kind=kind)
    return "acknowledged"


@shared_task
def idempotency_keys_purge() -> int:
    """Forget idempotency answers older than a day (periodic, see CELERY_BEAT_SCHEDULE)."""
    from billing.services.idempotency import idempotency_keys_purge as purge

    return purge()
