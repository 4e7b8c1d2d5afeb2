"""In-app purchases: what the app posts is verified with its store (``billing.providers.apple``
/ ``.google_play``) before anything is granted, then claimed for the caller.

* Apple: the StoreKit 2 signed transaction (JWS) is verified (certificate chain to Apple's
  root, bundle id, environment); its ``appAccountToken`` must be the caller's public id when
  set.
* Google Play: our price for ``product_id`` says whether it is a subscription or a one-time
  product (an unknown product is refused before any call); the purchase is then read from the
  Play Developer API (``subscriptionsv2.get`` / ``products.get``), granted, and acknowledged
  after commit by a Celery task that retries while Google is unreachable (Google refunds a
  purchase not acknowledged within 3 days).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from billing import error_codes
from billing.models import Product, Purchase, Subscription
from billing.providers import apple, google_play
from billing.providers.types import (
    ProviderUnavailable,
    PurchaseKind,
    StoreTransaction,
    VerificationError,
)

from .purchases import store_price_get, store_transaction_claim


def _unavailable(name: str, problem: str | None) -> ProviderUnavailable:
    return ProviderUnavailable(
        f"{name} purchases are not configured on this server ({problem}).", not_configured=True
    )


def store_purchase_verify_and_claim(
    *,
    user: Any,
    provider: str,
    signed_transaction: str = "",
    purchase_token: str = "",
    product_id: str = "",
) -> Purchase | Subscription:
    if provider == "apple":
        problem = apple.configuration_problem()
        if problem:
            raise _unavailable("App Store", problem)
        verified = apple.transaction_verify(signed_transaction=signed_transaction)
        return store_transaction_claim(user=user, transaction_=verified)
    if provider == "google_play":
        return _google_play_claim(user=user, purchase_token=purchase_token, product_id=product_id)
    raise ProviderUnavailable(f"{provider} purchases are not handled here.", not_configured=True)


def _google_play_claim(
    *, user: Any, purchase_token: str, product_id: str
) -> Purchase | Subscription:
    problem = google_play.configuration_problem()
    if problem:
        raise _unavailable("Google Play", problem)
    price = store_price_get(provider="google_play", product_id=product_id)
    if price.product.kind == Product.Kind.SUBSCRIPTION:
        state = google_play.subscription_get(purchase_token=purchase_token)
        if state.product_id != product_id:
            # Priced by what Google says, but a token for another product than the one the
            # app names is a wrong or forged request: refuse it whole.
            raise VerificationError(
                "This purchase token is for another product than product_id.",
                code=error_codes.PRODUCT_MISMATCH,
            )
        tx = state.latest_transaction or StoreTransaction(
            provider=state.provider,
            original_transaction_id=state.original_transaction_id,
            transaction_id=state.original_transaction_id,
            product_id=state.product_id,
            kind=PurchaseKind.SUBSCRIPTION,
            purchased_at=state.provider_event_time,
            environment=state.environment,
            expires_at=state.expires_at,
            app_account_token=state.app_account_token,
            base_plan_id=state.base_plan_id,
            purchase_token=purchase_token,
        )
        with transaction.atomic():
            claimed = store_transaction_claim(user=user, transaction_=tx, state=state)
            if not tx.acknowledged:
                _acknowledge_after_commit(state.product_id, purchase_token, "subscription")
        return claimed
    tx = google_play.product_purchase_get(product_id=product_id, purchase_token=purchase_token)
    with transaction.atomic():
        claimed = store_transaction_claim(user=user, transaction_=tx)
        if not tx.acknowledged and not tx.revoked_at:
            _acknowledge_after_commit(product_id, purchase_token, "one_time")
    return claimed


def _acknowledge_after_commit(product_id: str, purchase_token: str, kind: str) -> None:
    from billing.tasks import google_play_purchase_acknowledge

    google_play_purchase_acknowledge.delay_on_commit(
        product_id=product_id, purchase_token=purchase_token, kind=kind
    )


def google_play_acknowledge(*, product_id: str, purchase_token: str, kind: str) -> None:
    if kind == "subscription":
        google_play.subscription_acknowledge(product_id=product_id, purchase_token=purchase_token)
    else:
        google_play.product_acknowledge(product_id=product_id, purchase_token=purchase_token)
