"""Sign in with Apple identity tokens (RS256), verified with PyJWT against Apple's JWKS.

``aud`` is the bundle id (native) or the Services ID (web), any of
``settings.APPLE_CLIENT_IDS``. Native iOS hands Apple ``sha256(raw nonce)``, so the token's
``nonce`` claim must equal the hex digest of the raw nonce the app sends us; spending the nonce
(single use) is the caller's job, in its transaction. Apple sends the user's name only to the
app, on the first authorization: it is never in the token.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from typing import Any

import jwt
from django.conf import settings

from .base import (
    CLOCK_SKEW_SECONDS,
    ProviderNotConfigured,
    ProviderUnreachable,
    TokenRejected,
    VerifiedIdentity,
    claim_email,
    claim_expires_at,
    claim_is_true,
    claim_subject,
)

PROVIDER = "apple"
APPLE_ISSUER = "https://appleid.apple.com"
PRIVATE_RELAY_DOMAIN = "@privaterelay.appleid.com"


class _JWKClient(jwt.PyJWKClient):
    """A JWKS endpoint answering something other than a JSON object is a provider fault."""

    def fetch_data(self) -> Any:
        try:
            return super().fetch_data()
        except jwt.PyJWKClientConnectionError:
            raise
        except (ValueError, jwt.PyJWKClientError) as exc:  # not JSON, or not an object
            raise jwt.PyJWKClientConnectionError("The JWKS is not a JSON object.") from exc


# Keys cached by kid are never re-checked against the JWKS, so the client (and its key cache)
# is replaced every KEY_CACHE_SECONDS: a key Apple withdraws stops working within that time.
KEY_CACHE_SECONDS = 24 * 60 * 60


@functools.lru_cache(maxsize=4)
def _jwk_client(url: str, timeout: float, period: int) -> jwt.PyJWKClient:
    # One client per process, URL and period.
    return _JWKClient(url, cache_keys=True, timeout=timeout)


def jwks_cache_clear() -> None:
    """Forget the JWKS clients and their cached keys (tests; a forced key refresh)."""
    _jwk_client.cache_clear()


def nonce_digest(raw_nonce: str) -> str:
    """What the app hands Apple and Apple puts in the token: sha256(raw nonce), hex."""
    return hashlib.sha256(raw_nonce.encode()).hexdigest()


def _signing_key(token: str, *, jwks_url: str) -> jwt.PyJWK:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError as exc:
        raise TokenRejected(type(exc).__name__) from exc
    if not isinstance(kid, str) or not kid:
        raise TokenRejected("no kid")
    client = _jwk_client(
        jwks_url,
        float(settings.OUTBOUND_HTTP_TIMEOUT_SECONDS),
        int(time.time() // KEY_CACHE_SECONDS),
    )
    try:
        return client.get_signing_key(kid)
    except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError) as exc:
        raise ProviderUnreachable(PROVIDER) from exc
    except jwt.PyJWKClientError as exc:  # no key with this kid, even after a refresh
        raise TokenRejected("unknown kid") from exc


def identity_token_verify(*, token: str, raw_nonce: str) -> VerifiedIdentity:
    """Verify an Apple identity token and its nonce; raise the errors of providers.base."""
    client_ids = list(settings.APPLE_CLIENT_IDS)
    jwks_url = settings.APPLE_JWKS_URL
    if not client_ids or not jwks_url:
        raise ProviderNotConfigured(PROVIDER)
    key = _signing_key(token, jwks_url=jwks_url)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=client_ids,
            issuer=APPLE_ISSUER,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenRejected(type(exc).__name__) from exc

    nonce = claims.get("nonce")
    expected = nonce_digest(raw_nonce).encode()
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), expected):
        raise TokenRejected("nonce mismatch")
    email = claim_email(claims)
    return VerifiedIdentity(
        provider=PROVIDER,
        subject=claim_subject(claims),
        email=email,
        email_verified=claim_is_true(claims.get("email_verified")),
        is_private_relay=claim_is_true(claims.get("is_private_email"))
        or email.endswith(PRIVATE_RELAY_DOMAIN),
        name="",
        expires_at=claim_expires_at(claims),
    )
