"""What crosses the provider boundary: one dataclass and three errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Clock difference tolerated on ``iat``/``exp`` between the provider and us.
CLOCK_SKEW_SECONDS = 10


@dataclass(frozen=True)
class VerifiedIdentity:
    """A token whose signature, audience, issuer and expiry were checked.

    ``email`` is lower-cased ("" when the token has none); ``expires_at`` is the token's ``exp``.
    """

    provider: str
    subject: str
    email: str
    email_verified: bool
    is_private_relay: bool
    name: str
    expires_at: datetime


class TokenRejected(Exception):
    """Permanent: the token is not acceptable (signature, expiry, audience, issuer, nonce...).

    ``reason`` is short and never contains the token or its claims (safe to log).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderUnreachable(Exception):
    """Transient: the provider's keys could not be fetched; the same call may work later."""


class ProviderNotConfigured(Exception):
    """This server has no client id for the provider."""


def claim_is_true(value: Any) -> bool:
    """Apple sends booleans as JSON booleans or as the strings "true"/"false"."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"


def claim_email(claims: Mapping[str, Any]) -> str:
    """The ``email`` claim lower-cased, or "" when absent or not storable."""
    value = claims.get("email")
    if not isinstance(value, str) or "@" not in value or len(value) > 254:
        return ""
    return value.strip().lower()


def claim_text(claims: Mapping[str, Any], name: str, *, max_length: int) -> str:
    value = claims.get(name)
    return value.strip()[:max_length] if isinstance(value, str) else ""


def claim_subject(claims: Mapping[str, Any]) -> str:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise TokenRejected("missing or malformed sub")
    return subject


def claim_expires_at(claims: Mapping[str, Any]) -> datetime:
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise TokenRejected("missing or malformed exp")
    return datetime.fromtimestamp(exp, tz=UTC)
