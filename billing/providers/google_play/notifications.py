"""Google Play real-time developer notifications, delivered by a Pub/Sub push subscription.

What is verified: the push's ``Authorization: Bearer`` OIDC token (RS256 with Google's keys from
``settings.GOOGLE_PLAY_PUSH_CERTS_URL``, ``aud`` = ``settings.GOOGLE_PLAY_PUSH_AUDIENCE``, issuer
Google, not expired, ``email`` = ``settings.GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT`` and verified),
then the body: ``message.data`` is base64 JSON whose ``packageName`` must be ours. The event id is
the Pub/Sub ``messageId`` (redeliveries keep it); ``occurred_at`` is ``eventTimeMillis``.

A notification only says "something changed": the state is re-read from the Developer API
(``subscriptionsv2.get`` / ``products.get``), which also makes out-of-order deliveries harmless.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import google.auth.exceptions
import google.auth.transport
import google.auth.transport.requests
import jwt
import requests
from django.conf import settings
from google.oauth2 import id_token as google_id_token
from requests.adapters import HTTPAdapter

from billing.providers.types import (
    Environment,
    MoneyMovement,
    NotificationEvent,
    ProviderUnavailable,
    PurchaseKind,
    StoreSubscriptionState,
    StoreTransaction,
    SubscriptionStatus,
    VerificationError,
)

from .client import (
    PROVIDER,
    millis,
    notifications_configuration_problem,
    product_purchase_get,
    subscription_get,
)

GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
CLOCK_SKEW_SECONDS = 10
MAX_BODY_BYTES = 64 * 1024
CERTS_MAX_CACHE_SECONDS = 24 * 60 * 60

SUBSCRIPTION_TYPES = {
    1: "SUBSCRIPTION_RECOVERED",
    2: "SUBSCRIPTION_RENEWED",
    3: "SUBSCRIPTION_CANCELED",
    4: "SUBSCRIPTION_PURCHASED",
    5: "SUBSCRIPTION_ON_HOLD",
    6: "SUBSCRIPTION_IN_GRACE_PERIOD",
    7: "SUBSCRIPTION_RESTARTED",
    8: "SUBSCRIPTION_PRICE_CHANGE_CONFIRMED",
    9: "SUBSCRIPTION_DEFERRED",
    10: "SUBSCRIPTION_PAUSED",
    11: "SUBSCRIPTION_PAUSE_SCHEDULE_CHANGED",
    12: "SUBSCRIPTION_REVOKED",
    13: "SUBSCRIPTION_EXPIRED",
    17: "SUBSCRIPTION_ITEMS_CHANGED",
    18: "SUBSCRIPTION_CANCELLATION_SCHEDULED",
    19: "SUBSCRIPTION_PRICE_CHANGE_UPDATED",
    20: "SUBSCRIPTION_PENDING_PURCHASE_CANCELED",
    22: "SUBSCRIPTION_PRICE_STEP_UP_CONSENT_UPDATED",
}
ONE_TIME_TYPES = {1: "ONE_TIME_PRODUCT_PURCHASED", 2: "ONE_TIME_PRODUCT_CANCELED"}
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


# --- The push's OIDC token ----------------------------------------------------------------------


class _Cached(google.auth.transport.Response):
    def __init__(self, *, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self._status, self._headers, self._data = status, dict(headers), data

    @property
    def status(self) -> int:
        return self._status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def data(self) -> bytes:
        return self._data


_certs_cache: dict[str, tuple[float, _Cached]] = {}
_certs_lock = threading.Lock()


def certs_cache_clear() -> None:
    with _certs_lock:
        _certs_cache.clear()


def _fresh_for(headers: Mapping[str, str]) -> int:
    lowered = {key.lower(): value for key, value in headers.items()}
    control = lowered.get("cache-control", "")
    match = _MAX_AGE.search(control)
    if match is None or "no-store" in control or "no-cache" in control:
        return 0
    age = lowered.get("age", "0").strip()
    return max(
        0, min(int(match.group(1)) - (int(age) if age.isdigit() else 0), CERTS_MAX_CACHE_SECONDS)
    )


class _CertsRequest(google.auth.transport.Request):
    """google-auth's requests transport: a timeout, one retry, cached by ``max-age``."""

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> google.auth.transport.Response:
        now = time.monotonic()
        with _certs_lock:
            cached = _certs_cache.get(url)
        if cached is not None and cached[0] > now:
            return cached[1]
        with requests.Session() as session:
            session.mount("https://", HTTPAdapter(max_retries=1))
            session.mount("http://", HTTPAdapter(max_retries=1))
            response = google.auth.transport.requests.Request(session=session)(
                url, method="GET", headers=headers, timeout=settings.OUTBOUND_HTTP_TIMEOUT_SECONDS
            )
        if response.status != 200:
            raise google.auth.exceptions.TransportError(f"certs answered {response.status}")
        fetched = _Cached(status=response.status, headers=response.headers, data=response.data)
        seconds = _fresh_for(fetched.headers)
        if seconds:
            with _certs_lock:
                _certs_cache[url] = (now + seconds, fetched)
        return fetched


def push_token_verify(*, authorization: str) -> dict[str, Any]:
    """Check the push's ``Authorization: Bearer <OIDC token>`` -> its claims."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise VerificationError("The push has no bearer token.", code="invalid_signature")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise VerificationError("The push token is not a JWT.", code="invalid_signature") from exc
    if header.get("alg") != "RS256":
        raise VerificationError("The push token is not RS256.", code="invalid_signature")
    try:
        claims = google_id_token.verify_token(
            token,
            _CertsRequest(),
            audience=settings.GOOGLE_PLAY_PUSH_AUDIENCE,
            certs_url=str(settings.GOOGLE_PLAY_PUSH_CERTS_URL),
            clock_skew_in_seconds=CLOCK_SKEW_SECONDS,
        )
    except google.auth.exceptions.TransportError as exc:
        raise ProviderUnavailable("Google's certificates could not be fetched.") from exc
    except (ValueError, google.auth.exceptions.GoogleAuthError, jwt.PyJWTError) as exc:
        raise VerificationError(
            f"The push token was refused ({type(exc).__name__}).", code="invalid_signature"
        ) from exc
    if claims.get("iss") not in GOOGLE_ISSUERS:
        raise VerificationError("The push token has another issuer.", code="invalid_signature")
    if claims.get("email") != settings.GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT or claims.get(
        "email_verified"
    ) not in (True, "true"):
        raise VerificationError(
            "The push token is not from our push service account.", code="invalid_signature"
        )
    return dict(claims)


# --- The body -----------------------------------------------------------------------------------


def _message(body: bytes) -> tuple[str, dict[str, Any]]:
    """Pub/Sub push body -> (messageId, decoded developer notification)."""
    if len(body) > MAX_BODY_BYTES:
        raise VerificationError("The push body is too large.", code="invalid_payload")
    try:
        envelope = json.loads(body)
        message = envelope["message"]
        message_id = message.get("messageId") or message.get("message_id")
        data = json.loads(base64.b64decode(message["data"], validate=True))
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise VerificationError(
            "The push body is not a Pub/Sub message with JSON data.", code="invalid_payload"
        ) from exc
    if not isinstance(message_id, str) or not message_id or not isinstance(data, dict):
        raise VerificationError("The push message lacks its id or data.", code="invalid_payload")
    return message_id, data


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value:
        raise VerificationError(f"The notification lacks {key}.", code="invalid_payload")
    return value


def _with_status(
    state: StoreSubscriptionState, status: SubscriptionStatus
) -> StoreSubscriptionState:
    return replace(state, status=status, raw={**state.raw, "overriddenBy": "notification"})


def _subscription_money(
    state: StoreSubscriptionState, *, notification_type: int
) -> MoneyMovement | None:
    transaction = state.latest_transaction
    kind = {2: "renewal", 1: "renewal", 4: "charge", 7: "charge"}.get(notification_type)
    if kind is None or transaction is None or transaction.is_trial:
        return None
    if not transaction.amount or not transaction.currency:
        return None
    if transaction.transaction_id == transaction.purchase_token:  # no order id to log it under
        return None
    return MoneyMovement(
        kind=kind,
        provider_payment_id=transaction.transaction_id,
        amount=transaction.amount,
        currency=transaction.currency,
        occurred_at=state.provider_event_time,
    )


def notification_verify(*, body: bytes, authorization: str) -> NotificationEvent:
    """Verify a Pub/Sub push (raw body bytes + its Authorization header) -> event, with the state
    re-read from the Developer API.

    Raises ``VerificationError`` (bad/missing token -> 401; bad body, another package -> 400) or
    ``ProviderUnavailable`` (not configured; certs or the API unreachable: answer 503/5xx so
    Pub/Sub redelivers).
    """
    problem = notifications_configuration_problem()
    if problem is not None:
        raise ProviderUnavailable(
            f"Google Play notifications are not configured: {problem}", not_configured=True
        )
    push_token_verify(authorization=authorization)
    message_id, data = _message(body)
    if data.get("packageName") != settings.GOOGLE_PLAY_PACKAGE_NAME:
        raise VerificationError("The notification is for another app.", code="wrong_app")
    occurred_at = millis(data.get("eventTimeMillis"))
    if occurred_at is None:
        raise VerificationError("The notification lacks eventTimeMillis.", code="invalid_payload")
    raw: dict[str, Any] = {"messageId": message_id, "eventTimeMillis": data.get("eventTimeMillis")}

    if isinstance(data.get("testNotification"), Mapping):
        return NotificationEvent(
            provider=PROVIDER,
            event_id=message_id,
            event_type="TEST_NOTIFICATION",
            occurred_at=occurred_at,
            is_test=True,
            raw=raw,
        )

    if isinstance(data.get("subscriptionNotification"), Mapping):
        notification = data["subscriptionNotification"]
        number = _int(notification.get("notificationType"))
        token = _text(notification, "purchaseToken")
        state = subscription_get(purchase_token=token)
        if number == 12:  # revoked before its end: no access whatever the clock says
            state = _with_status(state, SubscriptionStatus.REVOKED)
        raw.update(notificationType=number, subscriptionId=notification.get("subscriptionId"))
        return NotificationEvent(
            provider=PROVIDER,
            event_id=message_id,
            event_type=SUBSCRIPTION_TYPES.get(number or 0, f"SUBSCRIPTION_{number}"),
            occurred_at=occurred_at,
            environment=state.environment,
            state=state,
            transaction=state.latest_transaction,
            money=_subscription_money(state, notification_type=number or 0),
            raw=raw,
        )

    if isinstance(data.get("oneTimeProductNotification"), Mapping):
        notification = data["oneTimeProductNotification"]
        number = _int(notification.get("notificationType"))
        transaction = product_purchase_get(
            product_id=_text(notification, "sku"),
            purchase_token=_text(notification, "purchaseToken"),
        )
        raw.update(notificationType=number)
        return NotificationEvent(
            provider=PROVIDER,
            event_id=message_id,
            event_type=ONE_TIME_TYPES.get(number or 0, f"ONE_TIME_PRODUCT_{number}"),
            occurred_at=occurred_at,
            environment=transaction.environment,
            transaction=transaction,
            raw=raw,
        )

    if isinstance(data.get("voidedPurchaseNotification"), Mapping):
        return _voided(data["voidedPurchaseNotification"], message_id, occurred_at, raw)

    raise VerificationError("The notification has no known kind.", code="invalid_payload")


def _voided(
    notification: Mapping[str, Any], message_id: str, occurred_at: dt.datetime, raw: dict[str, Any]
) -> NotificationEvent:
    """A refund or chargeback voided a purchase. Subscriptions are re-read (and marked refunded);
    one-time purchases carry no product id here: match them on ``purchase_token``."""
    token = _text(notification, "purchaseToken")
    order_id = str(notification.get("orderId") or "")
    product_type = _int(notification.get("productType"))
    raw.update(
        productType=product_type,
        refundType=_int(notification.get("refundType")),
        orderId=order_id,
        purchaseToken=token,
    )
    if product_type == 1:  # PRODUCT_TYPE_SUBSCRIPTION
        state = _with_status(subscription_get(purchase_token=token), SubscriptionStatus.REFUNDED)
        return NotificationEvent(
            provider=PROVIDER,
            event_id=message_id,
            event_type="VOIDED_PURCHASE",
            occurred_at=occurred_at,
            environment=state.environment,
            state=state,
            transaction=state.latest_transaction,
            raw=raw,
        )
    transaction = StoreTransaction(
        provider=PROVIDER,
        original_transaction_id=token,
        transaction_id=order_id or token,
        product_id="",
        kind=PurchaseKind.ONE_TIME,
        purchased_at=occurred_at,
        environment=Environment.PRODUCTION,
        revoked_at=occurred_at,
        revocation_reason="refunded",
        purchase_token=token,
    )
    return NotificationEvent(
        provider=PROVIDER,
        event_id=message_id,
        event_type="VOIDED_PURCHASE",
        occurred_at=occurred_at,
        transaction=transaction,
        raw=raw,
    )
