"""The Google Play Developer API (androidpublisher v3) through Google's client library.

``google-api-python-client`` with the discovery document it ships (static discovery: no network
fetch of the document), a service account (``google-auth``) whose JSON names its own
``token_uri``, and ``settings.GOOGLE_PLAY_API_ENDPOINT`` as the API root, so tests run this exact
code against a local server. Every request has ``settings.OUTBOUND_HTTP_TIMEOUT_SECONDS`` as its
timeout and is retried once on 429/5xx/connection errors by the library.

Purchases are always read for ``settings.GOOGLE_PLAY_PACKAGE_NAME``: a token from another app is
unknown there (Google answers 400/404/410 -> ``VerificationError``), and a caller that names
another package is refused before any call.

Remember: Google refunds a purchase that is not acknowledged within three days.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import google.auth.exceptions
import google_auth_httplib2
import httplib2
from django.conf import settings
from google.oauth2 import service_account
from googleapiclient import discovery_cache
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

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

PROVIDER = Provider.GOOGLE_PLAY
SCOPES = ("https://www.googleapis.com/auth/androidpublisher",)
NUM_RETRIES = 1
MAX_TOKEN_LENGTH = 4096

_STATES = {
    "SUBSCRIPTION_STATE_PENDING": SubscriptionStatus.INCOMPLETE,
    "SUBSCRIPTION_STATE_ACTIVE": SubscriptionStatus.ACTIVE,
    "SUBSCRIPTION_STATE_PAUSED": SubscriptionStatus.PAUSED,
    "SUBSCRIPTION_STATE_IN_GRACE_PERIOD": SubscriptionStatus.GRACE,
    "SUBSCRIPTION_STATE_ON_HOLD": SubscriptionStatus.ON_HOLD,
    "SUBSCRIPTION_STATE_EXPIRED": SubscriptionStatus.EXPIRED,
    "SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED": SubscriptionStatus.EXPIRED,
}
_CURRENCY_EXPONENTS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND"), 0
    ),
    **dict.fromkeys(("VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}

_lock = threading.Lock()
_credentials: dict[tuple[str, float], service_account.Credentials] = {}
_document: dict[str, Any] = {}


def configuration_problem() -> str | None:
    """Why Google Play purchases cannot be checked here, or None when they can."""
    if not settings.GOOGLE_PLAY_PACKAGE_NAME:
        return "GOOGLE_PLAY_PACKAGE_NAME is not set."
    if not settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE:
        return "GOOGLE_PLAY_SERVICE_ACCOUNT_FILE is not set."
    if not settings.GOOGLE_PLAY_API_ENDPOINT:
        return "GOOGLE_PLAY_API_ENDPOINT is not set."
    return None


def notifications_configuration_problem() -> str | None:
    """Why real-time developer notifications cannot be verified here, or None when they can."""
    problem = configuration_problem()
    if problem is not None:
        return problem
    if not settings.GOOGLE_PLAY_PUSH_AUDIENCE:
        return "GOOGLE_PLAY_PUSH_AUDIENCE is not set (the push subscription's audience)."
    if not settings.GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT:
        return "GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT is not set (the push subscription's account)."
    if not settings.GOOGLE_PLAY_PUSH_CERTS_URL:
        return "GOOGLE_PLAY_PUSH_CERTS_URL is not set."
    return None


def is_configured() -> bool:
    """The Developer API and the push notifications can both be used."""
    return notifications_configuration_problem() is None


def _not_configured(problem: str) -> ProviderUnavailable:
    return ProviderUnavailable(
        f"Google Play Billing is not configured: {problem}", not_configured=True
    )


def credentials_cache_clear() -> None:
    """Forget loaded service accounts (tests; a rotated key)."""
    with _lock:
        _credentials.clear()


def _load_credentials() -> service_account.Credentials:
    path = Path(settings.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE)
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as exc:
        raise _not_configured("GOOGLE_PLAY_SERVICE_ACCOUNT_FILE cannot be read.") from exc
    with _lock:
        cached = _credentials.get(key)
        if cached is not None:
            return cached
    try:
        loaded = service_account.Credentials.from_service_account_file(
            str(path), scopes=list(SCOPES)
        )
    except (OSError, ValueError, KeyError) as exc:
        raise _not_configured(
            "GOOGLE_PLAY_SERVICE_ACCOUNT_FILE is not a service-account key."
        ) from exc
    with _lock:
        _credentials[key] = loaded  # keeps its access token until it expires
    return loaded


def _discovery_document() -> dict[str, Any]:
    with _lock:
        if not _document:
            text = discovery_cache.get_static_doc("androidpublisher", "v3")
            if text is None:
                raise _not_configured("the library ships no androidpublisher v3 document.")
            _document.update(json.loads(text))
        return _document


def _service() -> Any:
    problem = configuration_problem()
    if problem is not None:
        raise _not_configured(problem)
    http = google_auth_httplib2.AuthorizedHttp(
        _load_credentials(),
        http=httplib2.Http(timeout=settings.OUTBOUND_HTTP_TIMEOUT_SECONDS),
    )
    return build_from_document(
        _discovery_document(),
        http=http,
        client_options={"api_endpoint": settings.GOOGLE_PLAY_API_ENDPOINT},
    )


def _execute(request: Any) -> dict[str, Any]:
    """Run one API request; permanent vs transient errors as our exceptions."""
    try:
        answer = request.execute(num_retries=NUM_RETRIES)
    except HttpError as exc:
        status = int(exc.resp.status)
        if status in (400, 404, 410):
            raise VerificationError(
                "Google Play does not know this purchase for our app.", code="purchase_not_found"
            ) from exc
        if status in (401, 403):
            raise ProviderUnavailable(
                "Google Play refused our service account (permissions?).",
                code="provider_unavailable",
            ) from exc
        raise ProviderUnavailable(f"Google Play answered {status}.") from exc
    except google.auth.exceptions.RefreshError as exc:
        raise ProviderUnavailable("Google refused the service account's token request.") from exc
    except (google.auth.exceptions.TransportError, httplib2.HttpLib2Error, OSError) as exc:
        raise ProviderUnavailable("Google Play could not be reached.") from exc
    if answer in (None, "", b""):  # acknowledge answers with an empty body
        return {}
    if not isinstance(answer, dict):
        raise ProviderUnavailable("Google Play answered something that is not a JSON object.")
    return answer


def _check_input(*, purchase_token: str, package_name: str | None, product_id: str | None) -> None:
    if package_name is not None and package_name != settings.GOOGLE_PLAY_PACKAGE_NAME:
        raise VerificationError("The purchase is for another app.", code="wrong_app")
    if not purchase_token or len(purchase_token) > MAX_TOKEN_LENGTH:
        raise VerificationError(
            "The purchase token is missing or malformed.", code="invalid_payload"
        )
    if product_id is not None and (not product_id or len(product_id) > 255):
        raise VerificationError("The product id is missing or malformed.", code="invalid_payload")


def rfc3339(value: Any) -> dt.datetime | None:
    """Google's ``2026-12-01T12:00:00.123Z`` -> aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(dt.UTC)


def millis(value: Any) -> dt.datetime | None:
    """Google's ``"1764590400000"`` (milliseconds, as a string) -> aware UTC datetime."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(number / 1000, tz=dt.UTC)


def money_minor_units(money: Any) -> tuple[int | None, str]:
    """Google's ``Money`` (units + nanos) -> integer minor units and currency."""
    if not isinstance(money, Mapping) or not money.get("currencyCode"):
        return None, ""
    currency = str(money["currencyCode"]).upper()
    try:
        amount = Decimal(str(money.get("units") or 0)) + Decimal(int(money.get("nanos") or 0)) / (
            10**9
        )
    except (ArithmeticError, ValueError):
        return None, currency
    exponent = _CURRENCY_EXPONENTS.get(currency, 2)
    return int(amount * 10**exponent), currency


def _latest_line_item(purchase: Mapping[str, Any]) -> Mapping[str, Any]:
    items = [item for item in purchase.get("lineItems") or [] if isinstance(item, Mapping)]
    if not items:
        raise VerificationError("The subscription has no line items.", code="invalid_payload")
    return max(items, key=lambda item: item.get("expiryTime") or "")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def order_id_base(order_id: str) -> str:
    """``GPA.3372-1234-5678-90123..2`` (the 3rd renewal) -> ``GPA.3372-1234-5678-90123``."""
    return order_id.split("..", 1)[0]


def subscription_state_from_purchase(
    purchase: Mapping[str, Any], *, purchase_token: str, read_at: dt.datetime
) -> StoreSubscriptionState:
    """A ``SubscriptionPurchaseV2`` answer -> our state (``read_at`` orders it: it is current)."""
    item = _latest_line_item(purchase)
    product_id = item.get("productId")
    if not isinstance(product_id, str) or not product_id:
        raise VerificationError("The subscription has no product id.", code="invalid_payload")
    expires_at = rfc3339(item.get("expiryTime"))
    started_at = rfc3339(purchase.get("startTime")) or read_at
    raw_state = str(purchase.get("subscriptionState") or "")
    plan = _mapping(item.get("autoRenewingPlan"))
    offer = _mapping(item.get("offerDetails"))
    phase = _mapping(item.get("offerPhase"))
    is_trial = "freeTrial" in phase
    auto_renew = bool(plan.get("autoRenewEnabled")) if plan else False

    if raw_state == "SUBSCRIPTION_STATE_CANCELED":
        # Canceled = will not renew; access lasts until the paid period ends.
        still_paid = expires_at is not None and expires_at > read_at
        status = SubscriptionStatus.ACTIVE if still_paid else SubscriptionStatus.EXPIRED
        auto_renew = False
    elif raw_state in _STATES:
        status = _STATES[raw_state]
    else:
        raise VerificationError(
            f"Unknown subscription state {raw_state[:60]!r}.", code="invalid_payload"
        )
    if status == SubscriptionStatus.ACTIVE and is_trial:
        status = SubscriptionStatus.TRIALING
    if status == SubscriptionStatus.EXPIRED:
        auto_renew = False

    identifiers = purchase.get("externalAccountIdentifiers")
    account = ""
    if isinstance(identifiers, Mapping):
        account = str(identifiers.get("obfuscatedExternalAccountId") or "")
    environment = Environment.SANDBOX if "testPurchase" in purchase else Environment.PRODUCTION
    order_id = str(item.get("latestSuccessfulOrderId") or purchase.get("latestOrderId") or "")
    amount, currency = money_minor_units(plan.get("recurringPrice") if plan else None)
    acknowledged = purchase.get("acknowledgementState") == "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED"
    base_plan_id = str(offer.get("basePlanId") or "")
    transaction = StoreTransaction(
        provider=PROVIDER,
        original_transaction_id=purchase_token,
        transaction_id=order_id or purchase_token,
        product_id=product_id,
        kind=PurchaseKind.SUBSCRIPTION,
        purchased_at=started_at,
        environment=environment,
        expires_at=expires_at,
        app_account_token=account,
        is_trial=is_trial,
        base_plan_id=base_plan_id,
        purchase_token=purchase_token,
        acknowledged=acknowledged,
        amount=amount,
        currency=currency,
        raw={"orderIdBase": order_id_base(order_id) if order_id else ""},
    )
    return StoreSubscriptionState(
        provider=PROVIDER,
        original_transaction_id=purchase_token,
        product_id=product_id,
        status=status,
        expires_at=expires_at,
        auto_renew=auto_renew,
        provider_event_time=read_at,
        environment=environment,
        app_account_token=account,
        base_plan_id=base_plan_id,
        purchase_token=purchase_token,
        grace_expires_at=expires_at if status == SubscriptionStatus.GRACE else None,
        latest_transaction=transaction,
        raw={
            "subscriptionState": raw_state,
            "acknowledgementState": purchase.get("acknowledgementState"),
            "linkedPurchaseToken": purchase.get("linkedPurchaseToken") or "",
            "offerId": offer.get("offerId") or "",
            "regionCode": purchase.get("regionCode") or "",
        },
    )


def subscription_get(
    *, purchase_token: str, package_name: str | None = None
) -> StoreSubscriptionState:
    """``purchases.subscriptionsv2.get`` for our package -> the subscription's current state.

    ``state.latest_transaction.acknowledged`` tells whether ``subscription_acknowledge`` is due.
    Raises ``VerificationError`` (``wrong_app``, ``purchase_not_found``, ``invalid_payload``) or
    ``ProviderUnavailable`` (not configured, Google unreachable/5xx/429, credentials refused).
    """
    _check_input(purchase_token=purchase_token, package_name=package_name, product_id=None)
    request = (
        _service()
        .purchases()
        .subscriptionsv2()
        .get(packageName=settings.GOOGLE_PLAY_PACKAGE_NAME, token=purchase_token)
    )
    purchase = _execute(request)
    return subscription_state_from_purchase(
        purchase, purchase_token=purchase_token, read_at=dt.datetime.now(dt.UTC)
    )


def product_purchase_get(
    *, product_id: str, purchase_token: str, package_name: str | None = None
) -> StoreTransaction:
    """``purchases.products.get`` (a one-time product) -> ``StoreTransaction``.

    A pending purchase (``purchaseState`` 2: not paid yet) raises ``VerificationError`` with code
    ``purchase_pending`` (grant nothing; a notification follows when it is paid). A canceled one
    (``purchaseState`` 1) comes back with ``revoked_at`` set to the time it was read.
    """
    _check_input(purchase_token=purchase_token, package_name=package_name, product_id=product_id)
    request = (
        _service()
        .purchases()
        .products()
        .get(
            packageName=settings.GOOGLE_PLAY_PACKAGE_NAME,
            productId=product_id,
            token=purchase_token,
        )
    )
    purchase = _execute(request)
    return product_transaction_from_purchase(
        purchase,
        product_id=product_id,
        purchase_token=purchase_token,
        read_at=dt.datetime.now(dt.UTC),
    )


def product_transaction_from_purchase(
    purchase: Mapping[str, Any], *, product_id: str, purchase_token: str, read_at: dt.datetime
) -> StoreTransaction:
    state = purchase.get("purchaseState")
    if state == 2:
        raise VerificationError("The purchase is pending payment.", code="purchase_pending")
    purchased_at = millis(purchase.get("purchaseTimeMillis"))
    if purchased_at is None or state not in (0, 1):
        raise VerificationError("The purchase lacks its time or state.", code="invalid_payload")
    order_id = str(purchase.get("orderId") or "")
    quantity = purchase.get("quantity")
    return StoreTransaction(
        provider=PROVIDER,
        original_transaction_id=purchase_token,
        transaction_id=order_id or purchase_token,
        product_id=str(purchase.get("productId") or product_id),
        kind=PurchaseKind.ONE_TIME,
        purchased_at=purchased_at,
        # purchaseType 0 = a license-tester (test) purchase.
        environment=Environment.SANDBOX
        if purchase.get("purchaseType") == 0
        else Environment.PRODUCTION,
        revoked_at=read_at if state == 1 else None,
        revocation_reason="canceled" if state == 1 else "",
        app_account_token=str(purchase.get("obfuscatedExternalAccountId") or ""),
        quantity=quantity if isinstance(quantity, int) and quantity > 0 else 1,
        purchase_token=purchase_token,
        acknowledged=purchase.get("acknowledgementState") == 1,
        raw={
            "purchaseState": state,
            "consumptionState": purchase.get("consumptionState"),
            "purchaseType": purchase.get("purchaseType"),
            "regionCode": purchase.get("regionCode") or "",
        },
    )


def subscription_acknowledge(
    *, product_id: str, purchase_token: str, package_name: str | None = None
) -> None:
    """``purchases.subscriptions.acknowledge`` (within 3 days of purchase, or Google refunds)."""
    _check_input(purchase_token=purchase_token, package_name=package_name, product_id=product_id)
    request = (
        _service()
        .purchases()
        .subscriptions()
        .acknowledge(
            packageName=settings.GOOGLE_PLAY_PACKAGE_NAME,
            subscriptionId=product_id,
            token=purchase_token,
            body={},
        )
    )
    _execute(request)


def product_acknowledge(
    *, product_id: str, purchase_token: str, package_name: str | None = None
) -> None:
    """``purchases.products.acknowledge`` for a one-time product (non-consumable: not consumed)."""
    _check_input(purchase_token=purchase_token, package_name=package_name, product_id=product_id)
    request = (
        _service()
        .purchases()
        .products()
        .acknowledge(
            packageName=settings.GOOGLE_PLAY_PACKAGE_NAME,
            productId=product_id,
            token=purchase_token,
            body={},
        )
    )
    _execute(request)
