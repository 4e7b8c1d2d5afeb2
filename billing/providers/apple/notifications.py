"""App Store Server Notifications V2: the raw POST body -> one verified ``NotificationEvent``.

The body is ``{"signedPayload": "<JWS>"}``. The payload, and the ``signedTransactionInfo`` and
``signedRenewalInfo`` it carries, are each verified by the library (chain, bundle id,
environment, app id). The event id is ``notificationUUID`` (Apple resends the same UUID on
retries); ``occurred_at`` is the payload's ``signedDate`` (what orders out-of-order deliveries).

State mapping (``data.status`` when Apple sends it, else from the type):

* ``SUBSCRIBED``, ``DID_RENEW``, ``OFFER_REDEEMED``, renewal-preference/status changes -> active
  (``trialing`` while the current transaction is a free-trial introductory offer);
* ``DID_FAIL_TO_RENEW`` -> ``grace`` with subtype ``GRACE_PERIOD``, else ``billing_retry``;
* ``GRACE_PERIOD_EXPIRED`` -> ``on_hold``: Apple keeps retrying but says to turn access off;
* ``EXPIRED`` (any subtype) -> ``expired``; ``REFUND`` -> ``refunded``; ``REVOKE`` (family
  sharing) -> ``revoked``; a transaction carrying a ``revocationDate`` -> refunded/revoked.
"""

from __future__ import annotations

import datetime as dt
import json

from appstoreserverlibrary.models.JWSRenewalInfoDecodedPayload import (
    JWSRenewalInfoDecodedPayload,
)

from billing.providers.types import (
    Environment,
    MoneyMovement,
    NotificationEvent,
    PurchaseKind,
    StoreSubscriptionState,
    StoreTransaction,
    SubscriptionStatus,
    VerificationError,
)

from .client import (
    PROVIDER,
    apple_datetime,
    apple_environment,
    signed_notification_decode,
    signed_renewal_info_decode,
    signed_transaction_decode,
    store_transaction,
)

MAX_BODY_BYTES = 256 * 1024

# data.status: the subscription's status when the notification was signed.
_BY_STATUS = {
    1: SubscriptionStatus.ACTIVE,
    2: SubscriptionStatus.EXPIRED,
    3: SubscriptionStatus.BILLING_RETRY,
    4: SubscriptionStatus.GRACE,
    5: SubscriptionStatus.REVOKED,
}
_CHARGES = {
    ("SUBSCRIBED", "INITIAL_BUY"): "charge",
    ("SUBSCRIBED", "RESUBSCRIBE"): "charge",
    ("DID_CHANGE_RENEWAL_PREF", "UPGRADE"): "charge",
    ("OFFER_REDEEMED", "UPGRADE"): "charge",
    ("OFFER_REDEEMED", "RESUBSCRIBE"): "charge",
    ("ONE_TIME_CHARGE", ""): "charge",
    ("DID_RENEW", ""): "renewal",
    ("DID_RENEW", "BILLING_RECOVERY"): "renewal",
}


def subscription_status(
    *,
    notification_type: str,
    subtype: str,
    data_status: int | None,
    transaction: StoreTransaction,
    at: dt.datetime,
) -> SubscriptionStatus:
    """The subscription's state once this notification is applied (see the module doc)."""
    if notification_type == "REFUND":
        return SubscriptionStatus.REFUNDED
    if notification_type == "REVOKE":
        return SubscriptionStatus.REVOKED
    if notification_type == "GRACE_PERIOD_EXPIRED":
        return SubscriptionStatus.ON_HOLD
    if transaction.revoked_at is not None:
        if transaction.revocation_reason.startswith("refunded"):
            return SubscriptionStatus.REFUNDED
        return SubscriptionStatus.REVOKED
    if notification_type == "DID_FAIL_TO_RENEW":
        if subtype == "GRACE_PERIOD":
            return SubscriptionStatus.GRACE
        return SubscriptionStatus.BILLING_RETRY
    if notification_type == "EXPIRED":
        return SubscriptionStatus.EXPIRED
    if data_status in _BY_STATUS:
        status = _BY_STATUS[data_status]
    elif transaction.expires_at is not None and transaction.expires_at <= at:
        status = SubscriptionStatus.EXPIRED
    else:
        status = SubscriptionStatus.ACTIVE
    if status == SubscriptionStatus.ACTIVE and transaction.is_trial:
        return SubscriptionStatus.TRIALING
    return status


def _money(
    *, notification_type: str, subtype: str, transaction: StoreTransaction
) -> MoneyMovement | None:
    if transaction.amount is None or not transaction.currency:
        return None
    if notification_type == "REFUND" and transaction.revoked_at is not None:
        amount = transaction.amount
        percentage = transaction.raw.get("revocationPercentage")
        if isinstance(percentage, int) and 0 < percentage < 100_000:  # milli-percent
            amount = transaction.amount * percentage // 100_000
        return MoneyMovement(
            kind="refund",
            provider_payment_id=f"{transaction.transaction_id}:refund",
            amount=amount,
            currency=transaction.currency,
            occurred_at=transaction.revoked_at,
        )
    kind = _CHARGES.get((notification_type, subtype))
    if kind is None or transaction.amount <= 0:
        return None
    return MoneyMovement(
        kind=kind,
        provider_payment_id=transaction.transaction_id,
        amount=transaction.amount,
        currency=transaction.currency,
        occurred_at=transaction.purchased_at,
    )


def _signed_payload(body: bytes) -> str:
    if len(body) > MAX_BODY_BYTES:
        raise VerificationError("The notification body is too large.", code="invalid_payload")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise VerificationError(
            "The notification body is not JSON.", code="invalid_payload"
        ) from exc
    signed = document.get("signedPayload") if isinstance(document, dict) else None
    if not isinstance(signed, str) or not signed:
        raise VerificationError(
            "The notification body has no signedPayload.", code="invalid_payload"
        )
    return signed


def _state(
    *,
    notification_type: str,
    subtype: str,
    data_status: int | None,
    transaction: StoreTransaction,
    renewal: JWSRenewalInfoDecodedPayload | None,
    at: dt.datetime,
) -> StoreSubscriptionState:
    return StoreSubscriptionState(
        provider=PROVIDER,
        original_transaction_id=transaction.original_transaction_id,
        product_id=transaction.product_id,
        status=subscription_status(
            notification_type=notification_type,
            subtype=subtype,
            data_status=data_status,
            transaction=transaction,
            at=at,
        ),
        expires_at=transaction.expires_at,
        auto_renew=renewal is not None and renewal.rawAutoRenewStatus == 1,
        provider_event_time=at,
        environment=transaction.environment,
        app_account_token=transaction.app_account_token,
        grace_expires_at=apple_datetime(renewal.gracePeriodExpiresDate) if renewal else None,
        latest_transaction=transaction,
        raw={
            "status": data_status,
            "autoRenewProductId": renewal.autoRenewProductId if renewal else None,
            "expirationIntent": renewal.rawExpirationIntent if renewal else None,
            "isInBillingRetryPeriod": renewal.isInBillingRetryPeriod if renewal else None,
        },
    )


def notification_verify(*, body: bytes) -> NotificationEvent:
    """Verify an App Store Server Notification V2 POST body (the raw bytes) -> event.

    Raises ``VerificationError`` (permanent; answer 400/401 and store nothing) or
    ``ProviderUnavailable`` (not configured / OCSP unreachable; answer 503 so Apple retries).
    """
    decoded = signed_notification_decode(_signed_payload(body))
    notification_type = decoded.rawNotificationType or ""
    subtype = decoded.rawSubtype or ""
    occurred_at = apple_datetime(decoded.signedDate)
    if not decoded.notificationUUID or not notification_type or occurred_at is None:
        raise VerificationError(
            "The notification lacks its UUID, type or signedDate.", code="invalid_payload"
        )
    data = decoded.data
    environment = Environment.PRODUCTION
    transaction: StoreTransaction | None = None
    renewal: JWSRenewalInfoDecodedPayload | None = None
    data_status: int | None = None
    if data is not None:
        environment = apple_environment(data.rawEnvironment)
        data_status = data.rawStatus
        if data.signedTransactionInfo:
            transaction = store_transaction(signed_transaction_decode(data.signedTransactionInfo))
        if data.signedRenewalInfo:
            renewal = signed_renewal_info_decode(data.signedRenewalInfo)
    elif decoded.summary is not None:
        environment = apple_environment(decoded.summary.rawEnvironment)

    state = None
    money = None
    if transaction is not None:
        if transaction.kind == PurchaseKind.SUBSCRIPTION:
            state = _state(
                notification_type=notification_type,
                subtype=subtype,
                data_status=data_status,
                transaction=transaction,
                renewal=renewal,
                at=occurred_at,
            )
        money = _money(
            notification_type=notification_type, subtype=subtype, transaction=transaction
        )
    return NotificationEvent(
        provider=PROVIDER,
        event_id=decoded.notificationUUID,
        event_type=notification_type,
        occurred_at=occurred_at,
        environment=environment,
        subtype=subtype,
        state=state,
        transaction=transaction,
        money=money,
        is_test=notification_type == "TEST",
        raw={
            "notificationType": notification_type,
            "subtype": subtype,
            "notificationUUID": decoded.notificationUUID,
            "signedDate": decoded.signedDate,
            "status": data_status,
        },
    )
