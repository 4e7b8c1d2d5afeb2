"""Google ID tokens from the apps (OIDC, RS256), verified with google-auth.

From React Native the token's ``aud`` is our web (server) client id, one of
``settings.GOOGLE_CLIENT_IDS``. ``verify_token`` checks signature, ``iat``/``exp`` and ``aud``;
the issuer is checked here because only ``verify_oauth2_token`` does it and that one hard-codes
Google's certs URL. The certs are cached in-process for as long as their response's
``Cache-Control: max-age`` allows (Google publishes a key well before signing with it).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping
from typing import Any

import google.auth.exceptions
import google.auth.transport
import google.auth.transport.requests
import jwt
import requests
from django.conf import settings
from google.oauth2 import id_token as google_id_token
from requests.adapters import HTTPAdapter

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
    claim_text,
)

PROVIDER = "google"
GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
# Upper bound on how long certs are kept, whatever max-age says.
CERTS_MAX_CACHE_SECONDS = 24 * 60 * 60

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


class _CachedResponse(google.auth.transport.Response):
    def __init__(self, *, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self._status = status
        self._headers = dict(headers)
        self._data = data

    @property
    def status(self) -> int:
        return self._status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def data(self) -> bytes:
        return self._data


_certs_cache: dict[str, tuple[float, _CachedResponse]] = {}
_certs_lock = threading.Lock()


def certs_cache_clear() -> None:
    """Forget every cached certs response (tests; a forced key refresh)."""
    with _certs_lock:
        _certs_cache.clear()


def _cache_seconds(headers: Mapping[str, str]) -> int:
    """Seconds a response may be reused: its max-age minus its Age, 0 if it must not be."""
    lowered = {key.lower(): value for key, value in headers.items()}
    cache_control = lowered.get("cache-control", "")
    if re.search(r"no-store|no-cache", cache_control, re.IGNORECASE):
        return 0
    match = _MAX_AGE.search(cache_control)
    if match is None:
        return 0
    age = lowered.get("age", "0").strip()
    fresh_for = int(match.group(1)) - (int(age) if age.isdigit() else 0)
    return max(0, min(fresh_for, CERTS_MAX_CACHE_SECONDS))


class _CachingCertsRequest(google.auth.transport.Request):
    """google-auth's requests transport with a timeout, one retry and the in-process cache."""

    def __init__(self, *, timeout: float) -> None:
        self._timeout = timeout

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> google.auth.transport.Response:
        if method != "GET" or body is not None:
            raise google.auth.exceptions.TransportError("Only GET of the certs URL is expected.")
        now = time.monotonic()
        with _certs_lock:
            cached = _certs_cache.get(url)
        if cached is not None and cached[0] > now:
            return cached[1]

        with requests.Session() as session:
            session.mount("https://", HTTPAdapter(max_retries=1))
            session.mount("http://", HTTPAdapter(max_retries=1))
            transport = google.auth.transport.requests.Request(session=session)
            response = transport(url, method="GET", headers=headers, timeout=self._timeout)
            if response.status != 200:
                return response  # verify_token turns it into a TransportError
            fetched = _CachedResponse(
                status=response.status, headers=response.headers, data=response.data
            )
        try:
            certs = json.loads(fetched.data)
        except ValueError as exc:
            raise google.auth.exceptions.TransportError("The certs are not JSON.") from exc
        if not isinstance(certs, dict) or not certs:
            raise google.auth.exceptions.TransportError("The certs are not a JSON object.")
        seconds = _cache_seconds(fetched.headers)
        if seconds:
            with _certs_lock:
                _certs_cache[url] = (now + seconds, fetched)
        return fetched


def id_token_verify(*, token: str) -> VerifiedIdentity:
    """Verify a Google ID token; raise TokenRejected / ProviderUnreachable / NotConfigured."""
    client_ids = list(settings.GOOGLE_CLIENT_IDS)
    certs_url = settings.GOOGLE_CERTS_URL
    if not client_ids or not certs_url:
        raise ProviderNotConfigured(PROVIDER)
    try:  # refuse what is not even a signed JWT before any network call
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenRejected(type(exc).__name__) from exc
    if header.get("alg") != "RS256":
        raise TokenRejected("alg is not RS256")
    request = _CachingCertsRequest(timeout=settings.OUTBOUND_HTTP_TIMEOUT_SECONDS)
    try:
        claims = google_id_token.verify_token(
            token,
            request,
            audience=client_ids,
            certs_url=certs_url,
            clock_skew_in_seconds=CLOCK_SKEW_SECONDS,
        )
    except google.auth.exceptions.TransportError as exc:
        raise ProviderUnreachable(PROVIDER) from exc
    # google-auth raises ValueError subclasses for bad tokens (and PyJWT's errors when the certs
    # URL serves a JWKS); their messages may quote the token, so only the type is kept.
    except (ValueError, google.auth.exceptions.GoogleAuthError, jwt.PyJWTError) as exc:
        raise TokenRejected(type(exc).__name__) from exc

    issuer = claims.get("iss")
    if not isinstance(issuer, str) or issuer not in GOOGLE_ISSUERS:
        raise TokenRejected("wrong issuer")
    name = claim_text(claims, "name", max_length=150) or " ".join(
        part
        for part in (
            claim_text(claims, "given_name", max_length=150),
            claim_text(claims, "family_name", max_length=150),
        )
        if part
    )
    return VerifiedIdentity(
        provider=PROVIDER,
        subject=claim_subject(claims),
        email=claim_email(claims),
        email_verified=claim_is_true(claims.get("email_verified")),
        is_private_relay=False,
        name=name[:150],
        expires_at=claim_expires_at(claims),
    )
