"""Stripe webhooks: the signature is checked by the SDK on the raw body bytes, then the event
is read into dataclasses.

Trap: a webhook endpoint keeps the API version it was created with, so an event's object may
have an older shape than our API responses. The readers here accept both shapes (period on the
items or on the subscription; ``invoice.subscription`` or ``invoice.parent.subscription_details``)
and ordering uses the event's own ``created`` time, so a late, older event never moves a
subscription backwards (``billing.services``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import stripe
from django.conf import settings

from billing.providers.types import MoneyMovement, ProviderUnavailable, VerificationError

from .client import StripeSubscription, subscription_from_object


def is_configured() -> bool:
    return bool(settings.STRIPE_WEBHOOK_SECRET)


@dataclass(frozen=True)
class StripeCard:
    payment_method_id: str
    customer_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class StripeEvent:
    """One verified event. Exactly the parts its type carries are set."""

    id: str
    type: str
    created: dt.datetime
    livemode: bool
    subscription: StripeSubscription | None = None
    # invoice.* : the money and the subscription it belongs to
    money: MoneyMovement | None = None
    subscription_id: str = ""
    customer_id: str = ""
    payment_intent_id: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    card: StripeCard | None = None


def event_verify(*, payload: bytes, signature_header: str | None) -> dict[str, Any]:
    """The event as JSON data once its ``Stripe-Signature`` matches the raw body."""
    if not is_configured():
        raise ProviderUnavailable(
            "Stripe webhooks are not configured on this server.", not_configured=True
        )
    if not signature_header:
        raise VerificationError("The Stripe-Signature header is missing.", code="invalid_signature")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            signature_header,
            settings.STRIPE_WEBHOOK_SECRET,
            settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        raise VerificationError(
            "The Stripe signature does not match this body.", code="invalid_signature"
        ) from exc
    try:
        data = json.loads(payload)
    except ValueError as exc:
        raise VerificationError("The event is not JSON.", code="invalid_payload") from exc
    if not isinstance(data, dict) or not data.get("id") or not data.get("type"):
        raise VerificationError("The event has no id or type.", code="invalid_payload")
    return data


def _ts(value: Any) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(value or 0), tz=dt.UTC)


def _id(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id", ""))
    return str(value or "")


def _invoice_subscription_id(invoice: dict[str, Any]) -> str:
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


def _invoice_payment_intent(invoice: dict[str, Any]) -> str:
    for entry in (invoice.get("payments") or {}).get("data") or []:
        payment = entry.get("payment") or {}
        if payment.get("payment_intent"):
            return _id(payment["payment_intent"])
    return _id(invoice.get("payment_intent"))


def event_parse(data: dict[str, Any]) -> StripeEvent:
    """Read a verified event's parts that billing acts on (unknown types carry none)."""
    obj = (data.get("data") or {}).get("object") or {}
    event_type = str(data["type"])
    base: dict[str, Any] = {
        "id": str(data["id"]),
        "type": event_type,
        "created": _ts(data.get("created")),
        "livemode": bool(data.get("livemode")),
    }
    try:
        if event_type.startswith("customer.subscription."):
            sub = subscription_from_object(obj)
            return StripeEvent(**base, subscription=sub, customer_id=sub.customer_id)
        if event_type in {"invoice.paid", "invoice.payment_failed"}:
            paid = event_type == "invoice.paid"
            first = obj.get("billing_reason") == "subscription_create"
            amount = int((obj.get("amount_paid") if paid else obj.get("amount_due")) or 0)
            money = MoneyMovement(
                kind="charge" if first else "renewal",
                provider_payment_id=str(obj["id"]),
                amount=amount,
                currency=str(obj.get("currency", "")).upper(),
                occurred_at=base["created"],
                status="succeeded" if paid else "failed",
            )
            return StripeEvent(
                **base,
                money=money,
                subscription_id=_invoice_subscription_id(obj),
                customer_id=_id(obj.get("customer")),
                payment_intent_id=_invoice_payment_intent(obj),
            )
        if event_type in {"payment_intent.succeeded", "payment_intent.payment_failed"}:
            ok = event_type == "payment_intent.succeeded"
            money = MoneyMovement(
                kind="charge",
                provider_payment_id=str(obj["id"]),
                amount=int((obj.get("amount_received") if ok else obj.get("amount")) or 0),
                currency=str(obj.get("currency", "")).upper(),
                occurred_at=base["created"],
                status="succeeded" if ok else "failed",
            )
            return StripeEvent(
                **base,
                money=money,
                payment_intent_id=str(obj["id"]),
                customer_id=_id(obj.get("customer")),
                metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
            )
        if event_type in {"refund.created", "refund.updated"}:
            status = str(obj.get("status", ""))
            money = MoneyMovement(
                kind="refund",
                provider_payment_id=str(obj["id"]),
                amount=int(obj.get("amount") or 0),
                currency=str(obj.get("currency", "")).upper(),
                occurred_at=base["created"],
                status={"succeeded": "succeeded", "pending": "pending"}.get(status, "failed"),
            )
            return StripeEvent(
                **base, money=money, payment_intent_id=_id(obj.get("payment_intent"))
            )
        if event_type == "charge.dispute.created":
            money = MoneyMovement(
                kind="chargeback",
                provider_payment_id=str(obj["id"]),
                amount=int(obj.get("amount") or 0),
                currency=str(obj.get("currency", "")).upper(),
                occurred_at=base["created"],
                status="succeeded",
            )
            return StripeEvent(
                **base, money=money, payment_intent_id=_id(obj.get("payment_intent"))
            )
        if event_type in {"payment_method.attached", "payment_method.detached"}:
            card = obj.get("card") or {}
            return StripeEvent(
                **base,
                card=StripeCard(
                    payment_method_id=str(obj["id"]),
                    customer_id=_id(obj.get("customer")),
                    brand=str(card.get("brand", "")),
                    last4=str(card.get("last4", "")),
                    exp_month=int(card.get("exp_month") or 0),
                    exp_year=int(card.get("exp_year") or 0),
                ),
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(
            f"The {event_type} event does not have the expected shape.", code="invalid_payload"
        ) from exc
    return StripeEvent(**base)
