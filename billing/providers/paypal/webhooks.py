"""PayPal webhooks: the raw POST body and its ``PAYPAL-*`` headers -> one ``NotificationEvent``.

The body is parsed (a JSON object with ``id``, ``event_type``, ``create_time``, ``resource``)
before anything else, then PayPal's verify call checks the signature for our webhook id; only
then is it mapped. The event id is PayPal's event ``id`` (``WH-...``; redeliveries keep it),
``occurred_at`` its ``create_time``.

* ``BILLING.SUBSCRIPTION.*`` (``ACTIVATED``, ``CANCELLED``, ``EXPIRED``, ``SUSPENDED``, ...): the
  resource is the subscription -> ``state`` (ACTIVE -> active, SUSPENDED -> paused, CANCELLED ->
  canceled, EXPIRED -> expired, APPROVAL_PENDING/APPROVED -> incomplete). ``expires_at`` is
  ``billing_info.next_billing_time``, which PayPal drops once a subscription is cancelled: keep
  the period end you already have.
* ``PAYMENT.SALE.COMPLETED``: a charge (``money``) and its ``transaction`` (the sale;
  ``original_transaction_id`` is the subscription id ``billing_agreement_id`` when there is one).
* ``PAYMENT.SALE.REFUNDED`` / ``PAYMENT.SALE.REVERSED``: a refund / chargeback (``money`` under
  the refund's id) and the refunded sale as ``transaction`` (``transaction_id`` = ``sale_id``,
  ``revoked_at`` = the refund's time; its ``purchased_at`` is that time too: the refund does
  not carry the sale's).
* Anything else: an event with neither state nor transaction (store it, ignore it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from billing.providers.types import (
    MoneyMovement,
    NotificationEvent,
    PurchaseKind,
    StoreTransaction,
    VerificationError,
)

from .client import (
    PROVIDER,
    amount_minor_units,
    ensure_configured,
    environment,
    mapping,
    paypal_datetime,
    subscription_state_from_resource,
    webhook_signature_verify,
)

MAX_BODY_BYTES = 256 * 1024
SUBSCRIPTION_PREFIX = "BILLING.SUBSCRIPTION."
_MONEY_KINDS = {
    "PAYMENT.SALE.COMPLETED": "charge",
    "PAYMENT.SALE.REFUNDED": "refund",
    "PAYMENT.SALE.REVERSED": "chargeback",
}


def _event(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise VerificationError("The webhook body is too large.", code="invalid_payload")
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise VerificationError("The webhook body is not JSON.", code="invalid_payload") from exc
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not event["id"]
        or not isinstance(event.get("event_type"), str)
        or not isinstance(event.get("resource"), dict)
        or paypal_datetime(event.get("create_time")) is None
    ):
        raise VerificationError(
            "The webhook body is not a PayPal event (id, event_type, create_time, resource).",
            code="invalid_payload",
        )
    return event


def _sale_transaction(
    *, sale_id: str, agreement_id: str, at: dt.datetime, resource: Mapping[str, Any], refunded: bool
) -> StoreTransaction:
    amount, currency = (None, "")
    if not refunded:
        paid = mapping(resource.get("amount"))
        amount, currency = amount_minor_units(paid.get("total"), paid.get("currency"))
    return StoreTransaction(
        provider=PROVIDER,
        original_transaction_id=agreement_id or sale_id,
        transaction_id=sale_id,
        product_id="",
        kind=PurchaseKind.SUBSCRIPTION if agreement_id else PurchaseKind.ONE_TIME,
        purchased_at=at,
        environment=environment(),
        revoked_at=at if refunded else None,
        revocation_reason="refunded" if refunded else "",
        app_account_token=str(resource.get("custom") or ""),
        amount=amount,
        currency=currency,
    )


def notification_verify(*, body: bytes, headers: Mapping[str, str]) -> NotificationEvent:
    """Verify a PayPal webhook delivery (raw body bytes + request headers) -> event.

    Raises ``VerificationError`` (not JSON / not an event / missing headers / PayPal says
    FAILURE: answer 400/401, store nothing) or ``ProviderUnavailable`` (not configured, PayPal
    unreachable, timed out or refusing our credentials: answer 503 so PayPal redelivers).
    """
    ensure_configured()  # not configured -> ProviderUnavailable before anything else
    event = _event(body)
    webhook_signature_verify(body=body, headers=headers)

    event_type: str = event["event_type"]
    occurred_at = paypal_datetime(event["create_time"])
    assert occurred_at is not None
    resource: dict[str, Any] = event["resource"]
    raw: dict[str, Any] = {
        "id": event["id"],
        "event_type": event_type,
        "resource_type": event.get("resource_type"),
        "resource_id": resource.get("id"),
    }
    state = None
    transaction = None
    money = None
    if event_type.startswith(SUBSCRIPTION_PREFIX):
        state = subscription_state_from_resource(resource, event_time=occurred_at)
    elif event_type in _MONEY_KINDS:
        kind = _MONEY_KINDS[event_type]
        refunded = kind != "charge"
        payment_id = resource.get("id")
        sale_id = payment_id if not refunded else resource.get("sale_id")
        at = paypal_datetime(resource.get("create_time")) or occurred_at
        total = mapping(resource.get("amount"))
        amount, currency = amount_minor_units(total.get("total"), total.get("currency"))
        if not isinstance(payment_id, str) or not isinstance(sale_id, str) or amount is None:
            raise VerificationError(
                "The payment event lacks its ids or amount.", code="invalid_payload"
            )
        agreement_id = str(resource.get("billing_agreement_id") or "")
        transaction = _sale_transaction(
            sale_id=sale_id, agreement_id=agreement_id, at=at, resource=resource, refunded=refunded
        )
        money = MoneyMovement(
            kind=kind,
            provider_payment_id=payment_id,
            amount=abs(amount),  # refunds are sometimes reported as negative totals
            currency=currency,
            occurred_at=at,
        )
        raw["sale_id"] = sale_id
    return NotificationEvent(
        provider=PROVIDER,
        event_id=event["id"],
        event_type=event_type,
        occurred_at=occurred_at,
        environment=environment(),
        state=state,
        transaction=transaction,
        money=money,
        raw=raw,
    )
