"""The Stripe API calls billing makes, through ``stripe.StripeClient``.

Every call names its API version (``STRIPE_API_VERSION``), goes to ``STRIPE_API_BASE`` (a local
stand-in in tests and the bench), times out (``OUTBOUND_HTTP_TIMEOUT_SECONDS``) and is retried
by the SDK a bounded number of times (``STRIPE_MAX_NETWORK_RETRIES``, with Stripe's own
idempotency keys so a retry never charges twice). Errors come out split:
``VerificationError`` (Stripe refused the request: a 4xx, permanent) and
``ProviderUnavailable`` (not configured, network trouble, 5xx, 429: transient).

Since API version 2025-03-31.basil an invoice no longer has ``payment_intent`` (the client
secret is ``latest_invoice.confirmation_secret.client_secret``) and a subscription's period
lives on its items (``items.data[].current_period_end``); both are read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings

from billing.providers.types import (
    Provider,
    ProviderUnavailable,
    StoreSubscriptionState,
    SubscriptionStatus,
    VerificationError,
)

# Stripe's subscription statuses in our vocabulary (past_due: Stripe is retrying the charge).
STATUS_MAP = {
    "incomplete": SubscriptionStatus.INCOMPLETE,
    "incomplete_expired": SubscriptionStatus.EXPIRED,
    "trialing": SubscriptionStatus.TRIALING,
    "active": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.BILLING_RETRY,
    "unpaid": SubscriptionStatus.ON_HOLD,
    "canceled": SubscriptionStatus.CANCELED,
    "paused": SubscriptionStatus.PAUSED,
}


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    if not is_configured():
        raise ProviderUnavailable(
            "Card payments (Stripe) are not configured on this server.", not_configured=True
        )
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        stripe_version=settings.STRIPE_API_VERSION,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.OUTBOUND_HTTP_TIMEOUT_SECONDS),
    )


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise ProviderUnavailable(f"Stripe cannot be reached: {exc.user_message or exc}") from exc
    except stripe.InvalidRequestError as exc:
        raise VerificationError(
            f"Stripe refused the request: {exc.user_message or exc}", code="stripe_invalid_request"
        ) from exc
    except stripe.CardError as exc:
        raise VerificationError(
            f"The card was declined: {exc.user_message or exc}", code="card_declined"
        ) from exc
    except stripe.StripeError as exc:
        if exc.http_status and exc.http_status < 500 and exc.http_status != 429:
            raise VerificationError(
                f"Stripe refused the request: {exc.user_message or exc}", code="stripe_error"
            ) from exc
        raise ProviderUnavailable(f"Stripe answered an error: {exc}") from exc


def _options(idempotency_key: str | None) -> Any:
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


def _ts(value: Any) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC) if value else None


@dataclass(frozen=True)
class StripeSubscription:
    id: str
    customer_id: str
    price_id: str
    status: SubscriptionStatus
    current_period_end: dt.datetime | None
    cancel_at_period_end: bool
    canceled_at: dt.datetime | None
    client_secret: str  # of the first invoice's payment, while it needs confirming; else ""
    user_ref: str  # metadata.user_id (our user's public id)

    def as_state(self, *, at: dt.datetime) -> StoreSubscriptionState:
        return StoreSubscriptionState(
            provider=Provider.STRIPE,
            original_transaction_id=self.id,
            product_id=self.price_id,
            status=self.status,
            expires_at=self.current_period_end,
            auto_renew=not self.cancel_at_period_end and self.status != "canceled",
            provider_event_time=at,
            app_account_token=self.user_ref,
        )


def subscription_from_object(obj: Any) -> StripeSubscription:
    """A Stripe subscription (an SDK object or a webhook's ``data.object`` dict) in our terms.
    Reads the period from the items (basil and later) or the top level (older versions)."""
    items = (obj.get("items") or {}).get("data") or []
    first = items[0] if items else {}
    period_end = first.get("current_period_end") or obj.get("current_period_end")
    price = first.get("price") or {}
    price_id = price.get("id", "") if isinstance(price, dict) else str(price)
    invoice = obj.get("latest_invoice")
    secret = ""
    if isinstance(invoice, dict):
        confirmation = invoice.get("confirmation_secret") or {}
        if invoice.get("status") == "open":
            secret = confirmation.get("client_secret", "") or ""
    customer = obj.get("customer")
    metadata = obj.get("metadata") or {}
    return StripeSubscription(
        id=obj["id"],
        customer_id=customer if isinstance(customer, str) else (customer or {}).get("id", ""),
        price_id=price_id,
        status=STATUS_MAP.get(obj.get("status", ""), SubscriptionStatus.INCOMPLETE),
        current_period_end=_ts(period_end),
        cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
        canceled_at=_ts(obj.get("canceled_at")),
        client_secret=secret,
        user_ref=str(metadata.get("user_id", "")),
    )


def _as_dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def customer_create(*, user_ref: str, idempotency_key: str) -> str:
    """A Stripe customer for our user (metadata carries our public id, not the email)."""
    with _errors():
        customer = _client().v1.customers.create(
            params={"metadata": {"user_id": user_ref}}, options=_options(idempotency_key)
        )
    return str(customer.id)


def subscription_create(
    *,
    customer_id: str,
    price_id: str,
    user_ref: str,
    trial_days: int,
    default_payment_method: str | None,
    idempotency_key: str,
) -> StripeSubscription:
    params: dict[str, Any] = {
        "customer": customer_id,
        "items": [{"price": price_id}],
        "payment_behavior": "default_incomplete",
        "payment_settings": {"save_default_payment_method": "on_subscription"},
        "expand": ["latest_invoice.confirmation_secret"],
        "metadata": {"user_id": user_ref},
    }
    if trial_days:
        params["trial_period_days"] = trial_days
    if default_payment_method:
        params["default_payment_method"] = default_payment_method
    with _errors():
        sub = _client().v1.subscriptions.create(
            params=params,  # type: ignore[arg-type]
            options=_options(idempotency_key),
        )
    return subscription_from_object(_as_dict(sub))


def subscription_retrieve(
    *, subscription_id: str, with_invoice: bool = False
) -> StripeSubscription:
    """The subscription as Stripe has it now; ``with_invoice`` expands the latest invoice's
    confirmation secret (for an incomplete subscription the app still has to confirm)."""
    params: Any = {"expand": ["latest_invoice.confirmation_secret"]} if with_invoice else None
    with _errors():
        sub = _client().v1.subscriptions.retrieve(subscription_id, params=params)
    return subscription_from_object(_as_dict(sub))


def subscription_change_price(
    *, subscription_id: str, price_id: str, idempotency_key: str | None
) -> StripeSubscription:
    """Swap the subscription's one item to another price, prorated (Stripe credits the unused
    part of the old interval on the next invoice)."""
    client = _client()
    with _errors():
        current = client.v1.subscriptions.retrieve(subscription_id)
        item_id = current["items"]["data"][0]["id"]
        sub = client.v1.subscriptions.update(
            subscription_id,
            params={
                "items": [{"id": item_id, "price": price_id}],
                "proration_behavior": "create_prorations",
            },
            options=_options(idempotency_key),
        )
    return subscription_from_object(_as_dict(sub))


def subscription_set_cancel_at_period_end(
    *, subscription_id: str, cancel: bool, idempotency_key: str | None
) -> StripeSubscription:
    """Cancel at the period's end (``cancel=True``) or resume such a cancellation."""
    with _errors():
        sub = _client().v1.subscriptions.update(
            subscription_id,
            params={"cancel_at_period_end": cancel},
            options=_options(idempotency_key),
        )
    return subscription_from_object(_as_dict(sub))


def subscription_cancel_now(
    *, subscription_id: str, idempotency_key: str | None
) -> StripeSubscription:
    with _errors():
        sub = _client().v1.subscriptions.cancel(
            subscription_id,
            options=_options(idempotency_key),
        )
    return subscription_from_object(_as_dict(sub))


@dataclass(frozen=True)
class StripeIntent:
    id: str
    client_secret: str
    status: str


def payment_intent_create(
    *,
    customer_id: str,
    amount: int,
    currency: str,
    metadata: dict[str, str],
    idempotency_key: str,
) -> StripeIntent:
    with _errors():
        intent = _client().v1.payment_intents.create(
            params={
                "customer": customer_id,
                "amount": amount,
                "currency": currency.lower(),
                "automatic_payment_methods": {"enabled": True},
                "metadata": metadata,
            },
            options=_options(idempotency_key),
        )
    return StripeIntent(
        id=intent.id, client_secret=intent.client_secret or "", status=intent.status
    )


def setup_intent_create(*, customer_id: str, idempotency_key: str) -> StripeIntent:
    with _errors():
        intent = _client().v1.setup_intents.create(
            params={"customer": customer_id, "usage": "off_session"},
            options=_options(idempotency_key),
        )
    return StripeIntent(
        id=intent.id, client_secret=intent.client_secret or "", status=intent.status
    )


def payment_method_detach(*, payment_method_id: str) -> None:
    with _errors():
        _client().v1.payment_methods.detach(payment_method_id)


def customer_set_default_payment_method(*, customer_id: str, payment_method_id: str) -> None:
    with _errors():
        _client().v1.customers.update(
            customer_id,
            params={"invoice_settings": {"default_payment_method": payment_method_id}},
        )


@dataclass(frozen=True)
class StripeRefund:
    id: str
    amount: int
    currency: str
    status: str


def refund_create(
    *, payment_intent_id: str, amount: int | None, idempotency_key: str
) -> StripeRefund:
    params: dict[str, Any] = {"payment_intent": payment_intent_id}
    if amount is not None:
        params["amount"] = amount
    with _errors():
        refund = _client().v1.refunds.create(
            params=params,  # type: ignore[arg-type]
            options=_options(idempotency_key),
        )
    return StripeRefund(
        id=refund.id,
        amount=int(refund.amount),
        currency=str(refund.currency).upper(),
        status=str(refund.status),
    )
