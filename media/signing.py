"""Short-lived signed URLs for the files we serve ourselves (playback, local uploads).

A token is ``<asset id>.<expiry>.<HMAC>`` (Django's ``Signer``: keyed by SECRET_KEY, with
SECRET_KEY_FALLBACKS honoured during a key rotation). Playback tokens sit in the URL *path*
(``/api/media/play/<token>/run-1/master.m3u8``) so that the relative URLs inside HLS playlists
resolve under the same token; whatever serves the bytes checks the signature and the expiry.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.core import signing

PLAYBACK = "media.playback"
UPLOAD = "media.upload"
THUMBNAIL = "media.thumbnail"


class TokenInvalid(Exception):
    pass


class TokenExpired(Exception):
    pass


@dataclass(frozen=True)
class Token:
    asset_id: uuid.UUID
    expires_at: int  # unix seconds


def _signer(purpose: str) -> signing.Signer:
    return signing.Signer(salt=purpose, sep=".")


def token_make(*, purpose: str, asset_id: uuid.UUID, expires_at: int) -> str:
    return _signer(purpose).sign(f"{asset_id.hex}.{expires_at}")


def token_read(*, purpose: str, token: str, now: float | None = None) -> Token:
    try:
        value = _signer(purpose).unsign(token)
        asset_hex, expires = value.split(".")
        parsed = Token(asset_id=uuid.UUID(hex=asset_hex), expires_at=int(expires))
    except (signing.BadSignature, ValueError) as exc:
        raise TokenInvalid from exc
    if parsed.expires_at <= (time.time() if now is None else now):
        raise TokenExpired
    return parsed
