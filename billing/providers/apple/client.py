"""Apple's ``app-store-server-library``: settings -> a ``SignedDataVerifier``; JWS -> dataclasses.

What is verified (by the library, configured here): the JWS is ES256 with an ``x5c`` chain of
exactly three certificates that chains to one of our trusted roots
(``settings.APPLE_IAP_ROOT_CERTIFICATES``: Apple Root CA G3 in production), the leaf and
intermediate carry Apple's marker extensions, the signature matches the leaf's key, the bundle id
is ours, the environment is the configured one (a sandbox transaction is refused by a production
server), and for notifications in production the ``appAppleId`` is ours. With
``APPLE_IAP_ONLINE_CHECKS`` (on by default) the chain is also checked for revocation by OCSP at the
URL the certificates name, and validity is judged at the current time; without it (tests), at the
payload's ``signedDate``.

The ``XCODE``/``LOCAL_TESTING`` environments are refused here: the library skips every signature
check in them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
from pathlib import Path
from typing import Any

from appstoreserverlibrary.models.Environment import Environment as AppleEnvironment
from appstoreserverlibrary.models.JWSRenewalInfoDecodedPayload import (
    JWSRenewalInfoDecodedPayload,
)
from appstoreserverlibrary.models.JWSTransactionDecodedPayload import (
    JWSTransactionDecodedPayload,
)
from appstoreserverlibrary.models.ResponseBodyV2DecodedPayload import (
    ResponseBodyV2DecodedPayload,
)
from appstoreserverlibrary.signed_data_verifier import (
    SignedDataVerifier,
    VerificationException,
    VerificationStatus,
)
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings

from billing.providers.types import (
    Environment,
    Provider,
    ProviderUnavailable,
    PurchaseKind,
    StoreTransaction,
    VerificationError,
)

PROVIDER = Provider.APPLE
AUTO_RENEWABLE = "Auto-Renewable Subscription"
# The environments a server may be configured for. Xcode/LocalTesting skip verification.
_ENVIRONMENTS = {
    "production": AppleEnvironment.PRODUCTION,
    "sandbox": AppleEnvironment.SANDBOX,
}
_DER = Encoding.DER
# ISO 4217 currencies whose minor unit is not 1/100 (Apple prices are in milli-units).
_CURRENCY_EXPONENTS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND"), 0
    ),
    **dict.fromkeys(("VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


def configuration_problem() -> str | None:
    """Why Apple purchases cannot be verified on this server, or None when they can."""
    if not settings.APPLE_IAP_BUNDLE_ID:
        return "APPLE_IAP_BUNDLE_ID is not set."
    if not settings.APPLE_IAP_ROOT_CERTIFICATES:
        return "APPLE_IAP_ROOT_CERTIFICATES is not set (Apple Root CA G3, DER or PEM)."
    environment = str(settings.APPLE_IAP_ENVIRONMENT).strip().lower()
    if environment not in _ENVIRONMENTS:
        return "APPLE_IAP_ENVIRONMENT must be Production or Sandbox."
    app_apple_id = str(settings.APPLE_IAP_APP_APPLE_ID).strip()
    if app_apple_id and not app_apple_id.isdigit():
        return "APPLE_IAP_APP_APPLE_ID must be the app's numeric Apple id."
    if environment == "production" and not app_apple_id:
        return "APPLE_IAP_APP_APPLE_ID is required in the Production environment."
    return None


def is_configured() -> bool:
    return configuration_problem() is None


def _certificate_der(entry: str) -> list[bytes]:
    """One setting entry: a path to a DER or PEM file (a PEM may hold several), or base64 DER."""
    path = Path(entry)
    try:
        is_file = path.is_file()
    except OSError:  # a base64 value is too long for a file name
        is_file = False
    if is_file:
        data = path.read_bytes()
        if b"-----BEGIN CERTIFICATE-----" in data:
            return [
                cert.public_bytes(encoding=_DER) for cert in x509.load_pem_x509_certificates(data)
            ]
        return [x509.load_der_x509_certificate(data).public_bytes(encoding=_DER)]
    try:
        data = base64.b64decode(entry, validate=True)
    except binascii.Error as exc:
        raise ValueError("neither a file nor base64") from exc
    return [x509.load_der_x509_certificate(data).public_bytes(encoding=_DER)]


@functools.lru_cache(maxsize=4)
def _verifier(
    roots: tuple[str, ...],
    environment: str,
    bundle_id: str,
    app_apple_id: str,
    online_checks: bool,
) -> SignedDataVerifier:
    certificates: list[bytes] = []
    for entry in roots:
        try:
            certificates.extend(_certificate_der(entry))
        except (OSError, ValueError) as exc:
            raise ProviderUnavailable(
                "APPLE_IAP_ROOT_CERTIFICATES holds an entry that is not a readable certificate.",
                not_configured=True,
            ) from exc
    return SignedDataVerifier(
        root_certificates=certificates,
        enable_online_checks=online_checks,
        environment=_ENVIRONMENTS[environment],
        bundle_id=bundle_id,
        app_apple_id=int(app_apple_id) if app_apple_id else None,
    )


def verifier(*, sandbox: bool = False) -> SignedDataVerifier:
    """The verifier for the current settings (built once per distinct configuration);
    ``sandbox=True``: the same one for the Sandbox environment."""
    problem = configuration_problem()
    if problem is not None:
        raise ProviderUnavailable(
            f"Apple in-app purchases are not configured: {problem}", not_configured=True
        )
    return _verifier(
        tuple(settings.APPLE_IAP_ROOT_CERTIFICATES),
        "sandbox" if sandbox else str(settings.APPLE_IAP_ENVIRONMENT).strip().lower(),
        settings.APPLE_IAP_BUNDLE_ID,
        str(settings.APPLE_IAP_APP_APPLE_ID).strip(),
        bool(settings.APPLE_IAP_ONLINE_CHECKS),
    )


def verifier_cache_clear() -> None:
    """Forget the built verifiers (tests that change the settings; a rotated root)."""
    _verifier.cache_clear()


def _translate(exc: VerificationException) -> Exception:
    status = exc.status
    if status == VerificationStatus.RETRYABLE_VERIFICATION_FAILURE:
        return ProviderUnavailable(
            "Apple's certificate status (OCSP) could not be checked.", code="provider_unavailable"
        )
    if status == VerificationStatus.INVALID_APP_IDENTIFIER:
        return VerificationError("The signed data is for another app.", code="wrong_app")
    if status == VerificationStatus.INVALID_ENVIRONMENT:
        return VerificationError(
            "The signed data is from another App Store environment.", code="wrong_environment"
        )
    return VerificationError(
        "The signed data is not signed by the App Store.", code="invalid_signature"
    )


def _verified(call: Any, signed: str) -> Any:
    if not isinstance(signed, str) or not signed or len(signed) > 64 * 1024:
        raise VerificationError("The signed data is missing or malformed.", code="invalid_payload")
    try:
        return call(signed)
    except VerificationException as exc:
        raise _translate(exc) from exc
    # cattrs refuses a payload whose fields have the wrong JSON types (after the signature check).
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise VerificationError(
            "The signed data does not have the App Store's shape.", code="invalid_payload"
        ) from exc


def _sandbox_fallback() -> bool:
    """App Review buys in the sandbox against the production app: with
    ``APPLE_IAP_ALLOW_SANDBOX`` a production server accepts sandbox data too (reported with
    ``environment=sandbox``, so the caller can tell), as Apple recommends."""
    production = str(settings.APPLE_IAP_ENVIRONMENT).strip().lower() == "production"
    return production and bool(settings.APPLE_IAP_ALLOW_SANDBOX)


def _decode(method: str, signed: str) -> Any:
    try:
        return _verified(getattr(verifier(), method), signed)
    except VerificationError as exc:
        # A sandbox notification has no appAppleId, so production calls it another app.
        if exc.code not in ("wrong_environment", "wrong_app") or not _sandbox_fallback():
            raise
        try:
            return _verified(getattr(verifier(sandbox=True), method), signed)
        except VerificationError:
            raise exc from None


def signed_transaction_decode(signed_transaction: str) -> JWSTransactionDecodedPayload:
    """Verify a JWS transaction and return the library's decoded payload."""
    return _decode("verify_and_decode_signed_transaction", signed_transaction)


def signed_renewal_info_decode(signed_renewal_info: str) -> JWSRenewalInfoDecodedPayload:
    return _decode("verify_and_decode_renewal_info", signed_renewal_info)


def signed_notification_decode(signed_payload: str) -> ResponseBodyV2DecodedPayload:
    return _decode("verify_and_decode_notification", signed_payload)


def apple_datetime(milliseconds: int | None) -> dt.datetime | None:
    if milliseconds is None:
        return None
    return dt.datetime.fromtimestamp(milliseconds / 1000, tz=dt.UTC)


def apple_environment(raw: str | None) -> Environment:
    return Environment.SANDBOX if raw == AppleEnvironment.SANDBOX.value else Environment.PRODUCTION


def minor_units(price_milli: int | None, currency: str | None) -> int | None:
    """Apple's price in milli-units of the currency -> integer minor units (4990 USD -> 499)."""
    if price_milli is None or not currency:
        return None
    exponent = _CURRENCY_EXPONENTS.get(currency.upper(), 2)
    return (price_milli * 10**exponent) // 1000


def is_free_trial(decoded: JWSTransactionDecodedPayload) -> bool:
    """A free-trial period: an introductory offer whose discount is a free trial (older payloads
    without ``offerDiscountType``: an introductory offer at price 0)."""
    if decoded.rawOfferType != 1:  # 1 = introductory offer
        return False
    if decoded.rawOfferDiscountType is not None:
        return decoded.rawOfferDiscountType == "FREE_TRIAL"
    return decoded.price == 0


def store_transaction(decoded: JWSTransactionDecodedPayload) -> StoreTransaction:
    """The verified library payload -> our dataclass."""
    if not decoded.transactionId or not decoded.productId or decoded.purchaseDate is None:
        raise VerificationError(
            "The transaction lacks its id, product or purchase date.", code="invalid_payload"
        )
    purchased_at = apple_datetime(decoded.purchaseDate)
    assert purchased_at is not None
    revocation = ""
    if decoded.revocationDate is not None:
        revocation = {0: "refunded_other", 1: "refunded_app_issue"}.get(
            decoded.rawRevocationReason if decoded.rawRevocationReason is not None else -1,
            "revoked",
        )
        if decoded.rawRevocationType == "FAMILY_REVOKE":
            revocation = "family_revoked"
    return StoreTransaction(
        provider=PROVIDER,
        original_transaction_id=decoded.originalTransactionId or decoded.transactionId,
        transaction_id=decoded.transactionId,
        product_id=decoded.productId,
        kind=(
            PurchaseKind.SUBSCRIPTION
            if decoded.rawType == AUTO_RENEWABLE
            else PurchaseKind.ONE_TIME
        ),
        purchased_at=purchased_at,
        environment=apple_environment(decoded.rawEnvironment),
        expires_at=apple_datetime(decoded.expiresDate),
        revoked_at=apple_datetime(decoded.revocationDate),
        revocation_reason=revocation,
        app_account_token=(decoded.appAccountToken or "").lower(),
        is_trial=is_free_trial(decoded),
        quantity=decoded.quantity or 1,
        amount=minor_units(decoded.price, decoded.currency),
        currency=(decoded.currency or "").upper(),
        raw={
            "type": decoded.rawType,
            "offerType": decoded.rawOfferType,
            "offerIdentifier": decoded.offerIdentifier,
            "inAppOwnershipType": decoded.rawInAppOwnershipType,
            "transactionReason": decoded.rawTransactionReason,
            "signedDate": decoded.signedDate,
            "revocationPercentage": decoded.revocationPercentage,
            "storefront": decoded.storefront,
        },
    )


def transaction_verify(*, signed_transaction: str) -> StoreTransaction:
    """Verify a StoreKit 2 signed transaction (what the app posts) -> ``StoreTransaction``.

    Raises ``VerificationError`` (permanent: ``invalid_signature``, ``wrong_app``,
    ``wrong_environment``, ``invalid_payload``) or ``ProviderUnavailable`` (not configured, or
    the OCSP check could not reach Apple).
    """
    return store_transaction(signed_transaction_decode(signed_transaction))
