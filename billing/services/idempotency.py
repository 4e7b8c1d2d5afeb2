"""``Idempotency-Key``: the first answer to a money-moving request, replayed for retries.

The key is the caller's (unique per user). The request's fingerprint is a hash of the method,
path and raw body: the same key with another body is a 409 ``idempotency_key_reused``; a retry
while the first request still runs is a 409 ``idempotency_request_in_progress``. Only
successful answers are kept: a refused or failed request writes nothing, so its key is free to
retry (and a refused request answers the same refusal again). Provider calls carry keys derived
from it, so Stripe de-duplicates them too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import transaction

from billing import error_codes
from billing.exceptions import BillingConflict
from billing.models import IdempotencyKey


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\n", path.encode(), b"\n", body):
        digest.update(part)
    return digest.hexdigest()


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
        if row.response_status is None:
            raise BillingConflict(
                "A request with this Idempotency-Key is still being processed; retry shortly.",
                code=error_codes.IDEMPOTENCY_IN_PROGRESS,
            )
        return row.response_status, row.response_body
    try:
        status, body = run()
    except BaseException:
        IdempotencyKey.objects.filter(pk=row.pk).delete()
        raise
    IdempotencyKey.objects.filter(pk=row.pk).update(response_status=status, response_body=body)
    return status, body
