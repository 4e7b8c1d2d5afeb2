"""PayPal's REST API through one small ``requests`` client (timeouts, one bounded retry).

``paypal-server-sdk`` (the current SDK) has no call for webhook verification, and this package
needs only three calls, so it speaks the documented wire format directly:

* ``POST /v1/oauth2/token`` (client credentials, HTTP basic auth) -> a bearer token, cached
  until shortly before it expires;
* ``POST /v1/notifications/verify-webhook-signature`` -> ``verification_status``
  ``SUCCESS``/``FAILURE``; the ``webhook_event`` sent back is the delivery's raw bytes spliced
  into the request (re-serialising the parsed event can change the bytes PayPal signed);
* ``GET /v1/billing/subscriptions/{id}`` -> the subscription's current state.

Base URL, credentials and webhook id are settings (``PAYPAL_*``); the sandbox is
``https://api-m.sandbox.paypal.com``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from billing.providers.types import (
    Environment,
    Provider,
    ProviderUnavailable,
    PurchaseKind,
    StoreSubscriptionState,
    StoreTransaction,
    SubscriptionStatus,
    VerificationError,
)

PROVIDER = Provider.PAYPAL
# Seconds before a token's announced expiry at which a new one is fetched.
TOKEN_EXPIRY_MARGIN_SECONDS = 60
# The headers PayPal signs a webhook delivery with (case-insensitive on the wire).
SIGNATURE_HEADERS = {
    "auth_algo": "paypal-auth-algo",
    "cert_url": "paypal-cert-url",
    "transmission_id": "paypal-transmission-id",
    "transmission_sig": "paypal-transmission-sig",
    "transmission_time": "paypal-transmission-time",
}
_STATUSES = {
    "APPROVAL_PENDING": SubscriptionStatus.INCOMPLETE,
    "APPROVED": SubscriptionStatus.INCOMPLETE,
    "ACTIVE": SubscriptionStatus.ACTIVE,
    "SUSPENDED": SubscriptionStatus.PAUSED,
    "CANCELLED": SubscriptionStatus.CANCELED,
    "EXPIRED": SubscriptionStatus.EXPIRED,
}
_CURRENCY_EXPONENTS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND"), 0
    ),
    **dict.fromkeys(("VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}

_token_lock = threading.Lock()
_tokens: dict[tuple[str, str], tuple[float, str]] = {}


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def configuration_problem() -> str | None:
    """Why PayPal webhooks/API cannot be used here, or None when they can."""
    for name in (
        "PAYPAL_CLIENT_ID",
        "PAYPAL_CLIENT_SECRET",
        "PAYPAL_WEBHOOK_ID",
        "PAYPAL_API_BASE",
    ):
        if not getattr(settings, name):
            return f"{name} is not set."
    return None


def is_configured() -> bool:
    return configuration_problem() is None


def environment() -> Environment:
    base = str(settings.PAYPAL_API_BASE)
    return Environment.SANDBOX if ".sandbox." in base else Environment.PRODUCTION


def token_cache_clear() -> None:
    with _token_lock:
        _tokens.clear()


def _base() -> str:
    problem = configuration_problem()
    if problem is not None:
        raise ProviderUnavailable(f"PayPal is not configured: {problem}", not_configured=True)
    return str(settings.PAYPAL_API_BASE).rstrip("/")


def ensure_configured() -> None:
    """Raise ``ProviderUnavailable(not_configured=True)`` when PayPal is not configured."""
    _base()


def _session() -> requests.Session:
    """One retry on connection errors and 429/5xx (the calls here are reads or idempotent)."""
    retry = Retry(
        total=1,
        read=0,
        backoff_factor=0,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def _send(method: str, url: str, **kwargs: Any) -> requests.Response:
    try:
        with _session() as session:
            return session.request(
                method, url, timeout=settings.OUTBOUND_HTTP_TIMEOUT_SECONDS, **kwargs
            )
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"PayPal could not be reached ({type(exc).__name__}).") from exc


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        document = response.json()
    except ValueError as exc:
        raise ProviderUnavailable("PayPal answered something that is not JSON.") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable("PayPal answered something that is not a JSON object.")
    return document


def access_token(*, refresh: bool = False) -> str:
    """A bearer token from ``/v1/oauth2/token`` (client credentials), cached until near expiry."""
    base = _base()
    key = (base, settings.PAYPAL_CLIENT_ID)
    now = time.monotonic()
    with _token_lock:
        cached = _tokens.get(key)
    if cached is not None and cached[0] > now and not refresh:
        return cached[1]
    response = _send(
        "POST",
        f"{base}/v1/oauth2/token",
        auth=(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
        headers={"Accept": "application/json"},
    )
    if response.status_code in (400, 401, 403):
        raise ProviderUnavailable(
            "PayPal refused our client credentials (PAYPAL_CLIENT_ID/SECRET).",
            code="provider_credentials_refused",
        )
    if response.status_code != 200:
        raise ProviderUnavailable(f"PayPal's token endpoint answered {response.status_code}.")
    document = _json(response)
    token = document.get("access_token")
    if not isinstance(token, str) or not token:
        raise ProviderUnavailable("PayPal's token answer has no access_token.")
    expires_in = document.get("expires_in")
    seconds = expires_in if isinstance(expires_in, int) and expires_in > 0 else 0
    if seconds > TOKEN_EXPIRY_MARGIN_SECONDS:
        with _token_lock:
            _tokens[key] = (now + seconds - TOKEN_EXPIRY_MARGIN_SECONDS, token)
    return token


def _authorized(method: str, path: str, **kwargs: Any) -> requests.Response:
    """Call the API with the cached token; on a 401 fetch a new token once and retry."""
    url = f"{_base()}{path}"
    extra_headers = kwargs.pop("headers", {})
    response = None
    for refresh in (False, True):
        headers = {
            "Authorization": f"Bearer {access_token(refresh=refresh)}",
            "Accept": "application/json",
            **extra_headers,
        }
        response = _send(method, url, headers=headers, **kwargs)
        if response.status_code != 401:
            return response
    assert response is not None
    raise ProviderUnavailable("PayPal refused our access token twice.")


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = {key.lower(): value for key, value in headers.items()}
    return str(lowered.get(name, "")).strip()


def webhook_signature_verify(*, body: bytes, headers: Mapping[str, str]) -> None:
    """Ask PayPal whether this delivery (raw body + its ``PAYPAL-*`` headers) is genuine and for
    our webhook id. ``VerificationError`` when it is not (or headers are missing: no call is
    made); ``ProviderUnavailable`` when PayPal cannot answer."""
    fields = {field: _header(headers, header) for field, header in SIGNATURE_HEADERS.items()}
    missing = sorted(header for field, header in SIGNATURE_HEADERS.items() if not fields[field])
    if missing:
        raise VerificationError(
            f"The delivery lacks PayPal's signature headers ({', '.join(missing)}).",
            code="invalid_signature",
        )
    fields["webhook_id"] = settings.PAYPAL_WEBHOOK_ID
    # The event goes back byte for byte as it arrived (it was checked to be a JSON object).
    prefix = json.dumps(fields)[:-1].encode()
    request_body = prefix + b', "webhook_event": ' + body.strip() + b"}"
    response = _authorized(
        "POST",
        "/v1/notifications/verify-webhook-signature",
        data=request_body,
        headers={"Content-Type": "application/json"},
    )
    if response.status_code >= 500 or response.status_code == 429:
        raise ProviderUnavailable(f"PayPal's verification answered {response.status_code}.")
    if response.status_code != 200:
        # 400 (e.g. a webhook id or cert URL PayPal does not accept): the delivery is not ours.
        raise VerificationError(
            f"PayPal refused to verify the delivery ({response.status_code}).",
            code="invalid_signature",
        )
    status = _json(response).get("verification_status")
    if status != "SUCCESS":
        raise VerificationError("PayPal says the signature is not valid.", code="invalid_signature")


def paypal_datetime(value: Any) -> dt.datetime | None:
    """PayPal's ``2026-11-02T08:30:00Z`` / ``2026-11-02T08:30:00.123Z`` -> aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else None


def amount_minor_units(value: Any, currency: Any) -> tuple[int | None, str]:
    """``("9.99", "USD")`` -> ``(999, "USD")``; ``("1000", "JPY")`` -> ``(1000, "JPY")``."""
    if not isinstance(currency, str) or not currency:
        return None, ""
    code = currency.upper()
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None, code
    if not amount.is_finite():
        return None, code
    return int(amount * 10 ** _CURRENCY_EXPONENTS.get(code, 2)), code


def subscription_state_from_resource(
    resource: Mapping[str, Any], *, event_time: dt.datetime
) -> StoreSubscriptionState:
    """A PayPal subscription object (webhook ``resource`` or GET answer) -> our state."""
    subscription_id = resource.get("id")
    plan_id = resource.get("plan_id")
    raw_status = resource.get("status")
    if not isinstance(subscription_id, str) or not subscription_id or not isinstance(plan_id, str):
        raise VerificationError("The subscription lacks its id or plan.", code="invalid_payload")
    if raw_status not in _STATUSES:
        raise VerificationError(
            f"Unknown subscription status {str(raw_status)[:40]!r}.", code="invalid_payload"
        )
    status = _STATUSES[raw_status]
    billing = mapping(resource.get("billing_info"))
    last_payment = mapping(billing.get("last_payment"))
    paid = mapping(last_payment.get("amount"))
    amount, currency = amount_minor_units(paid.get("value"), paid.get("currency_code"))
    next_billing = paypal_datetime(billing.get("next_billing_time"))
    started = paypal_datetime(resource.get("start_time")) or paypal_datetime(
        resource.get("create_time")
    )
    transaction = None
    paid_at = paypal_datetime(last_payment.get("time"))
    if paid_at is not None:
        transaction = StoreTransaction(
            provider=PROVIDER,
            original_transaction_id=subscription_id,
            transaction_id=f"{subscription_id}:{last_payment.get('time')}",
            product_id=plan_id,
            kind=PurchaseKind.SUBSCRIPTION,
            purchased_at=paid_at,
            environment=environment(),
            expires_at=next_billing,
            app_account_token=str(resource.get("custom_id") or ""),
            amount=amount,
            currency=currency,
        )
    return StoreSubscriptionState(
        provider=PROVIDER,
        original_transaction_id=subscription_id,
        product_id=plan_id,
        status=status,
        expires_at=next_billing,
        auto_renew=status == SubscriptionStatus.ACTIVE,
        provider_event_time=event_time,
        environment=environment(),
        app_account_token=str(resource.get("custom_id") or ""),
        latest_transaction=transaction,
        raw={
            "status": raw_status,
            "status_update_time": resource.get("status_update_time"),
            "start_time": started.isoformat() if started else None,
            "failed_payments_count": billing.get("failed_payments_count"),
        },
    )


def subscription_get(*, subscription_id: str) -> StoreSubscriptionState:
    """``GET /v1/billing/subscriptions/{id}`` -> the current state (stamped with the read time)."""
    if not subscription_id or len(subscription_id) > 50:
        raise VerificationError("The subscription id is malformed.", code="invalid_payload")
    response = _authorized("GET", f"/v1/billing/subscriptions/{quote(subscription_id, safe='')}")
    if response.status_code == 404:
        raise VerificationError(
            "PayPal does not know this subscription.", code="purchase_not_found"
        )
    if response.status_code != 200:
        raise ProviderUnavailable(f"PayPal answered {response.status_code}.")
    return subscription_state_from_resource(_json(response), event_time=dt.datetime.now(dt.UTC))
