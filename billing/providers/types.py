"""What crosses the boundary between a store verifier and the billing services.

Every provider package (``billing.providers.stripe``, ``.apple``, ``.google_play``, ``.paypal``)
verifies what a store or an app hands us and answers with these frozen dataclasses; the services
(``billing.services``) never see an SDK object. Times are timezone-aware UTC ``datetime``s; money is
integer minor units plus an ISO 4217 currency (upper case).

Errors are split the healthchecks way: ``VerificationError`` is permanent (a bad signature, a
wrong bundle id, a token for another app, a sandbox transaction in production: retrying will not
help, the caller answers 400/401 and stores nothing); ``ProviderUnavailable`` is transient or a
configuration gap (the store did not answer, timed out, answered 5xx, or the provider has no
credentials here: the caller answers 503 and a webhook sender retries later).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Provider(StrEnum):
    STRIPE = "stripe"
    APPLE = "apple"
    GOOGLE_PLAY = "google_play"
    PAYPAL = "paypal"


class Environment(StrEnum):
    PRODUCTION = "production"
    SANDBOX = "sandbox"


class SubscriptionStatus(StrEnum):
    """One vocabulary for every store's subscription states.

    Access (premium) follows ``ACCESS_STATUSES``: active, trialing, grace and billing_retry keep
    it (the store is still trying to charge and says the user keeps access); on_hold/paused/
    expired/revoked/refunded/incomplete/canceled do not.

    Mapping hints for verifiers:
    * Apple: ``status`` 1 active (``trialing`` when the renewal's offer is a free trial), 2 expired,
      3 billing_retry, 4 grace, 5 revoked; a refund notification -> refunded.
    * Google: SUBSCRIPTION_STATE_ACTIVE -> active (trialing on a free-trial phase),
      IN_GRACE_PERIOD -> grace, ON_HOLD -> on_hold, PAUSED -> paused, CANCELED -> active until
      expiry (``auto_renew=False``) then expired, EXPIRED -> expired, PENDING -> incomplete;
      voided purchase -> refunded/revoked.
    * PayPal: ACTIVE -> active, SUSPENDED -> paused, CANCELLED -> canceled (access until
      ``expires_at``), EXPIRED -> expired, APPROVAL_PENDING/APPROVED -> incomplete.
    * Stripe: active, trialing, past_due -> billing_retry, unpaid -> on_hold, canceled,
      incomplete, incomplete_expired -> expired, paused.
    """

    INCOMPLETE = "incomplete"
    ACTIVE = "active"
    TRIALING = "trialing"
    GRACE = "grace"
    BILLING_RETRY = "billing_retry"
    ON_HOLD = "on_hold"
    PAUSED = "paused"
    CANCELED = "canceled"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REFUNDED = "refunded"


ACCESS_STATUSES = frozenset(
    {
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.TRIALING,
        SubscriptionStatus.GRACE,
        SubscriptionStatus.BILLING_RETRY,
    }
)


class PurchaseKind(StrEnum):
    SUBSCRIPTION = "subscription"
    ONE_TIME = "one_time"


@dataclass(frozen=True)
class StoreTransaction:
    """One verified store transaction (an Apple JWS transaction, a Google purchase, a PayPal
    capture/sale). ``original_transaction_id`` is the stable id of the purchase or of the
    subscription across renewals (Apple originalTransactionId, Google purchase token's linked
    chain root or order id base, PayPal subscription id); ``transaction_id`` identifies this one
    charge or renewal."""

    provider: Provider
    original_transaction_id: str
    transaction_id: str
    product_id: str
    kind: PurchaseKind
    purchased_at: dt.datetime
    environment: Environment = Environment.PRODUCTION
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revocation_reason: str = ""
    app_account_token: str = ""  # Apple appAccountToken / Google obfuscatedExternalAccountId
    is_trial: bool = False
    quantity: int = 1
    # Google Play: the base plan of a subscription, the purchase token (what acknowledge needs).
    base_plan_id: str = ""
    purchase_token: str = ""
    acknowledged: bool = True
    # Money when the store reports it (Apple price is in milli-units: convert to minor units).
    amount: int | None = None
    currency: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class StoreSubscriptionState:
    """A store's current view of one subscription. ``provider_event_time`` is the store's own
    timestamp for this state (Apple signedDate, Google eventTimeMillis, PayPal/Stripe event
    create time): the services never move a subscription to a state older than the one stored."""

    provider: Provider
    original_transaction_id: str
    product_id: str
    status: SubscriptionStatus
    expires_at: dt.datetime | None
    auto_renew: bool
    provider_event_time: dt.datetime
    environment: Environment = Environment.PRODUCTION
    app_account_token: str = ""
    base_plan_id: str = ""
    purchase_token: str = ""
    grace_expires_at: dt.datetime | None = None
    latest_transaction: StoreTransaction | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class MoneyMovement:
    """A charge, renewal, refund or chargeback a notification reports (becomes a ``Payment``)."""

    kind: str  # "charge" | "renewal" | "refund" | "chargeback"
    provider_payment_id: str
    amount: int
    currency: str
    occurred_at: dt.datetime
    status: str = "succeeded"  # "succeeded" | "pending" | "failed"


@dataclass(frozen=True)
class NotificationEvent:
    """One verified webhook/notification. ``event_id`` is the provider's unique id for the
    delivery's event (Apple notificationUUID, Pub/Sub messageId, PayPal/Stripe event id): it is
    stored once; replays are acknowledged and ignored. ``event_type`` is the provider's own name
    (``DID_RENEW``, Google notificationType 2, ``BILLING.SUBSCRIPTION.CANCELLED``).
    ``state`` is the subscription's state after the event (re-read from the store when the
    verifier can), ``transaction`` a one-time purchase or the renewal's transaction, ``money`` any
    money movement the event reports. ``is_test`` marks a store's test notification."""

    provider: Provider
    event_id: str
    event_type: str
    occurred_at: dt.datetime
    environment: Environment = Environment.PRODUCTION
    subtype: str = ""
    state: StoreSubscriptionState | None = None
    transaction: StoreTransaction | None = None
    money: MoneyMovement | None = None
    is_test: bool = False
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class BillingProviderError(Exception):
    """Base of the errors a provider package raises. ``code`` is a machine code
    (``billing.error_codes``) the API renders in the error envelope."""

    code = "provider_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code
        self.message = message


class VerificationError(BillingProviderError):
    """Permanent: the input is not a valid, genuine, ours, verifiable thing. Do not retry.
    Suggested codes: ``invalid_signature``, ``wrong_app`` (bundle id / package name),
    ``wrong_environment``, ``unknown_product``, ``purchase_not_found``, ``invalid_payload``."""

    code = "verification_failed"


class ProviderUnavailable(BillingProviderError):
    """Transient (store down, timeout, 5xx, 429) or not configured here: answer 503, retry later."""

    code = "provider_unavailable"

    def __init__(
        self, message: str, *, code: str | None = None, not_configured: bool = False
    ) -> None:
        super().__init__(message, code=code)
        self.not_configured = not_configured
