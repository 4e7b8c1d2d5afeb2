"""In-app purchases: what the app posts is verified with its store (``billing.providers.apple``
/ ``.google_play``) before anything is granted, then claimed for the caller."""

from __future__ import annotations

from typing import Any

from billing.models import Purchase, Subscription
from billing.providers.types import ProviderUnavailable

from .purchases import store_transaction_claim


def store_purchase_verify_and_claim(
    *,
    user: Any,
    provider: str,
    signed_transaction: str = "",
    purchase_token: str = "",
    product_id: str = "",
) -> Purchase | Subscription:
    if provider == "apple":
        from billing.providers.apple import client as apple

        if not apple.is_configured():
            raise ProviderUnavailable(
                "App Store purchases are not configured on this server.", not_configured=True
            )
        transaction_ = apple.transaction_verify(signed_transaction=signed_transaction)
        return store_transaction_claim(user=user, transaction_=transaction_)
    raise ProviderUnavailable(f"{provider} purchases are not handled here.", not_configured=True)
