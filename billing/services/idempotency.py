"""``Idempotency-Key``: the first answer to a money-moving request, replayed for retries.

The key is the caller's (unique per user). The request's fingerprint is a hash of the method,
path and raw body: the same key with another body is a 409 ``idempotency_key_reused``; a retry
while the first request still runs is a 409 ``idempotency_request_in_progress``.

What is kept follows Stripe's rule: once the operation began, its answer is the key's answer,
success or error (a provider's refusal or decline, a conflict with what the user holds, a 503
while the provider is down or not configured): a retry replays it, and trying again takes a new
key. Nothing is kept for a request refused before it began (its input, header or object lookup,
``BillingBadRequest`` for an unknown price or product or a currency mismatch) nor for a key
conflict; ``run`` renders the answers to keep and raises the others. A crash (no answer) frees
the key, like a process that died. Provider calls carry keys derived from it, so Stripe
de-duplicates them too. Keys are forgotten after a day (a periodic task), and a request whose
process died is taken over by a retry after ``IDEMPOTENCY_STALE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import error_codes
from billing.exceptions import BillingConflict
from billing.models import IdempotencyKey


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\n", path.encode(), b"\n", body):
        digest.update(part)
    return digest.hexdigest()


def _take_over_abandoned(row: IdempotencyKey) -> bool:
    """A first request whose process died leaves its key "running" for good: after
    ``IDEMPOTENCY_STALE_SECONDS`` one retry takes it over (a compare-and-set on ``created_at``,
    so two retries cannot both run)."""
    stale_before = timezone.now() - dt.timedelta(seconds=settings.IDEMPOTENCY_STALE_SECONDS)
    if row.created_at >= stale_before:
        return False
    taken = IdempotencyKey.objects.filter(
        pk=row.pk, response_status__isnull=True, created_at=row.created_at
    ).update(created_at=timezone.now())
    return taken == 1


def idempotency_keys_purge() -> int:
    """Forget answers older than ``IDEMPOTENCY_KEY_TTL_SECONDS`` (a client retries within
    minutes, not days). Answers how many were deleted."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def idempotent_call(
    *, user: Any, key: str, fingerprint: str, run: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """``run()`` once per (user, key); its (status, JSON body) is stored and replayed."""
    with transaction.atomic():
        row, created = IdempotencyKey.objects.get_or_create(
            user=user, key=key, defaults={"request_hash": fingerprint}
        )
    if not created:
        if row.request_hash != fingerprint:
            raise BillingConflict(
                "This Idempotency-Key was used for a different request.",
                code=error_codes.IDEMPOTENCY_KEY_REUSED,
            )
        if row.response_status is not None:
            return row.response_status, row.response_body
        if not _take_over_abandoned(row):
            raise BillingConflict(
                "A request with this Idempotency-Key is still being processed; retry shortly.",
                code=error_codes.IDEMPOTENCY_IN_PROGRESS,
            )
    try:
        status, body = run()
    except BaseException:
        IdempotencyKey.objects.filter(pk=row.pk).delete()
        raise
    IdempotencyKey.objects.filter(pk=row.pk).update(response_status=status, response_body=body)
    return status, body
