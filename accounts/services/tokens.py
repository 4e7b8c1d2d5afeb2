"""JWT pairs: issue, rotate with reuse detection, revoke.

Every sign-in starts a :class:`~accounts.models.TokenFamily`. Refresh tokens rotate: each use
returns a new pair and marks the old refresh token used. Presenting a used refresh token again
revokes the whole family (RFC 9700 section 4.14), except that the immediate parent may be
replayed within ``REFRESH_REUSE_GRACE_SECONDS`` and gets the same pair back: mobile apps fire
parallel refreshes on resume and lose responses on flaky networks.

Tokens are encoded with simplejwt's backend, so its ``JWTAuthentication`` validates them; the
access token carries the family id (``fam``) so a revoked family's access tokens stop working.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.state import token_backend

from accounts.exceptions import InvalidToken, TokenReused
from accounts.models import RefreshToken, TokenFamily, User

FAMILY_CLAIM = "fam"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_at: datetime
    refresh_expires_at: datetime


def _encode(*, row: RefreshToken, family_id: uuid.UUID, subject: str) -> TokenPair:
    """Encode a pair from a stored row; the same row always gives the same bytes."""
    issued = int(row.issued_at.timestamp())
    access_exp = issued + int(settings.ACCESS_TOKEN_LIFETIME.total_seconds())
    refresh_exp = int(row.expires_at.timestamp())
    common = {"sub": subject, FAMILY_CLAIM: str(family_id), "iat": issued}
    access = token_backend.encode(
        {**common, "token_type": "access", "exp": access_exp, "jti": row.access_jti.hex}
    )
    refresh = token_backend.encode(
        {**common, "token_type": "refresh", "exp": refresh_exp, "jti": row.jti.hex}
    )
    return TokenPair(
        access=access,
        refresh=refresh,
        access_expires_at=datetime.fromtimestamp(access_exp, tz=UTC),
        refresh_expires_at=row.expires_at,
    )


def _issue(*, family_id: uuid.UUID, subject: str, parent_jti: uuid.UUID | None) -> TokenPair:
    now = timezone.now().replace(microsecond=0)
    row = RefreshToken.objects.create(
        jti=uuid.uuid4(),
        family_id=family_id,
        parent_jti=parent_jti,
        access_jti=uuid.uuid4(),
        issued_at=now,
        expires_at=now + settings.REFRESH_TOKEN_LIFETIME,
    )
    return _encode(row=row, family_id=family_id, subject=subject)


def token_pair_issue(*, user: User) -> TokenPair:
    """Start a new sign-in (a new family) for ``user``."""
    with transaction.atomic():
        family = TokenFamily.objects.create(user=user)
        return _issue(family_id=family.id, subject=str(user.public_id), parent_jti=None)


def _decode_refresh(raw: str) -> tuple[uuid.UUID, uuid.UUID, str]:
    """Verify signature, expiry and type; return (jti, family id, subject)."""
    try:
        payload: dict[str, Any] = token_backend.decode(raw, verify=True)  # type: ignore[arg-type]
    except TokenBackendError as exc:
        raise InvalidToken() from exc
    if payload.get("token_type") != "refresh":
        raise InvalidToken("This is not a refresh token.")
    try:
        jti = uuid.UUID(str(payload["jti"]))
        family_id = uuid.UUID(str(payload[FAMILY_CLAIM]))
        subject = str(payload["sub"])
    except (KeyError, ValueError) as exc:
        raise InvalidToken() from exc
    return jti, family_id, subject


def token_refresh(*, refresh: str) -> TokenPair:
    """Rotate ``refresh``: a new pair, or the reuse rules described in the module docstring."""
    jti, family_id, subject = _decode_refresh(refresh)
    now = timezone.now()
    with transaction.atomic():
        rotated = RefreshToken.objects.filter(
            jti=jti,
            rotated_at__isnull=True,
            family__revoked_at__isnull=True,
            family__user__is_active=True,
        ).update(rotated_at=now)
        if rotated:
            return _issue(family_id=family_id, subject=subject, parent_jti=jti)

    row = (
        RefreshToken.objects.select_related("family__user")
        .filter(jti=jti, family_id=family_id)
        .first()
    )
    if row is None or row.rotated_at is None:
        raise InvalidToken()
    if row.family.revoked_at is not None or not row.family.user.is_active:
        raise InvalidToken("This sign-in was revoked; sign in again.")

    grace = timedelta(seconds=settings.REFRESH_REUSE_GRACE_SECONDS)
    if grace and now - row.rotated_at <= grace:
        child = RefreshToken.objects.filter(parent_jti=jti).first()
        if child is not None and child.rotated_at is None:
            return _encode(row=child, family_id=family_id, subject=subject)

    # Reuse of a rotated token: revoke the family. This runs outside any atomic block so that
    # raising the 401 below cannot roll the revocation back.
    _family_revoke(family_id=family_id, reason="reuse")
    raise TokenReused()


def _family_revoke(*, family_id: uuid.UUID, reason: str) -> None:
    TokenFamily.objects.filter(id=family_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


def token_family_sign_out(*, family: TokenFamily) -> None:
    """Sign one session out (from another device's session list)."""
    _family_revoke(family_id=family.id, reason="signed_out")


def token_family_revoke(*, refresh: str) -> None:
    """Sign out: revoke the family of ``refresh`` (idempotent)."""
    _jti, family_id, _subject = _decode_refresh(refresh)
    _family_revoke(family_id=family_id, reason="logout")


def user_token_families_revoke(*, user: User, reason: str) -> int:
    """Revoke every sign-in of ``user`` (password reset, account deactivation)."""
    return TokenFamily.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


def refresh_tokens_purge(*, now: datetime | None = None) -> int:
    """Delete refresh-token rows past expiry and families with no token left."""
    now = now or timezone.now()
    deleted, _ = RefreshToken.objects.filter(expires_at__lt=now).delete()
    TokenFamily.objects.filter(tokens__isnull=True, created_at__lt=now - timedelta(days=1)).delete()
    return deleted
