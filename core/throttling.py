"""Throttles on the shared cache (Redis when REDIS_URL is set).

Scopes (rates in settings.THROTTLE_RATES): ``anon`` and ``user`` on every endpoint;
``login``, ``register``, ``password_reset``, ``password_reset_confirm``, ``refresh`` per client
IP on the auth endpoints; ``health_sync`` and ``health_import`` per user on the bulk health
uploads. Failed logins are
counted separately per account and per IP by :class:`FailureCounter`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class FixedWindowMixin:
    """Count requests per fixed window with one atomic cache increment.

    DRF's stock throttles keep a list of every request time in the window and rewrite it on
    each request: fine at a few requests a minute, but it grows with the rate (a user at 600/min
    means 600 timestamps read and written per call). A counter per window costs one ``incr``
    whatever the rate; the price is that a client may send up to twice the rate across a window
    boundary, which is acceptable for abuse protection.
    """

    cache: Any
    timer: Any
    rate: str | None
    num_requests: int
    duration: int
    key: str | None
    get_cache_key: Callable[[Request, Any], str | None]  # provided by the throttle class

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        base = self.get_cache_key(request, view)
        if base is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.key = f"{base}:{window}"
        self.window_ends = (window + 1) * self.duration
        if self.cache.add(self.key, 1, timeout=self.duration + 1):
            count = 1
        else:
            try:
                count = self.cache.incr(self.key)
            except ValueError:  # expired between add() and incr()
                self.cache.add(self.key, 1, timeout=self.duration + 1)
                count = 1
        return bool(count <= self.num_requests)

    def wait(self) -> float | None:
        return max(0.0, self.window_ends - self.now)


class AnonThrottle(FixedWindowMixin, AnonRateThrottle):
    scope = "anon"


class UserThrottle(FixedWindowMixin, UserRateThrottle):
    scope = "user"


class UserScopedThrottle(FixedWindowMixin, UserRateThrottle):
    """A per-user scope of its own for an expensive endpoint (set ``scope``)."""


class HealthSyncThrottle(UserScopedThrottle):
    scope = "health_sync"


class HealthImportThrottle(UserScopedThrottle):
    scope = "health_import"


def client_ip(request: Request) -> str:
    """The client's address as DRF's throttles see it (honouring NUM_PROXIES)."""
    return str(AnonRateThrottle().get_ident(request) or "unknown")


class IPScopedThrottle(FixedWindowMixin, SimpleRateThrottle):
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
