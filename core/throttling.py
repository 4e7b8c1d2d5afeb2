"""Throttles on the shared cache (Redis when REDIS_URL is set).

Scopes (rates in settings.THROTTLE_RATES): ``anon`` and ``user`` on every endpoint, and
``login``, ``register``, ``password_reset``, ``refresh`` on the auth endpoints. Failed logins are
counted separately per account and per IP by :class:`FailureCounter`.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    scope = "anon"


class UserThrottle(UserRateThrottle):
    scope = "user"


def client_ip(request: Request) -> str:
    """The client's address as DRF's throttles see it (honouring NUM_PROXIES)."""
    return str(AnonRateThrottle().get_ident(request) or "unknown")


class IPScopedThrottle(SimpleRateThrottle):
    """A scope counted per client IP, whoever is signed in (for the auth endpoints)."""

    def get_cache_key(self, request: Request, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginThrottle(IPScopedThrottle):
    scope = "login"


class RegisterThrottle(IPScopedThrottle):
    scope = "register"


class PasswordResetThrottle(IPScopedThrottle):
    scope = "password_reset"


class PasswordResetConfirmThrottle(IPScopedThrottle):
    scope = "password_reset_confirm"


class RefreshThrottle(IPScopedThrottle):
    scope = "refresh"


class FailureCounter:
    """Counts failures per key in a fixed window on the shared cache.

    ``blocked()`` is true once ``limit`` failures were recorded within ``window`` seconds.
    Keys are hashed so no e-mail address is written to the cache.
    """

    def __init__(self, namespace: str, *, limit: int, window: int) -> None:
        self.namespace = namespace
        self.limit = limit
        self.window = window

    def _key(self, ident: str) -> str:
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return f"failures:{self.namespace}:{digest}"

    def blocked(self, ident: str) -> bool:
        return int(cache.get(self._key(ident), 0)) >= self.limit

    def record(self, ident: str) -> None:
        key = self._key(ident)
        if cache.add(key, 1, timeout=self.window):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=self.window)

    def reset(self, ident: str) -> None:
        cache.delete(self._key(ident))


def login_failures_by_account() -> FailureCounter:
    return FailureCounter(
        "login-account",
        limit=settings.LOGIN_FAILURES_PER_ACCOUNT,
        window=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )


def login_failures_by_ip() -> FailureCounter:
    return FailureCounter(
        "login-ip",
        limit=settings.LOGIN_FAILURES_PER_IP,
        window=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )
