"""Sign in with Google or Apple: verify the provider's token, then find, link or create the
account and start a sign-in.

The rules, the same for every provider:

* an identity is keyed on (provider, ``sub``): once linked it signs in that user, whatever
  the provider's email has become since;
* an unknown identity links to the account with the same email, or creates one (unusable
  password), only when the provider says it verified that email. Otherwise the answer is 409
  ``social_email_unverified``, the same whether or not such an account exists: anyone can put
  an unverified address on a provider account, and it must neither claim nor reveal ours;
* a disabled account answers 401 and nothing is written by a refused call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.exceptions import (
    AccountDisabled,
    ProviderUnavailable,
    SocialEmailUnverified,
    SocialProviderUnreachable,
    SocialTokenInvalid,
)
from accounts.models import SocialIdentity, UsedNonce, User
from accounts.providers import (
    ProviderNotConfigured,
    ProviderUnreachable,
    TokenRejected,
    VerifiedIdentity,
    apple,
    google,
)
from accounts.providers.base import CLOCK_SKEW_SECONDS
from accounts.services.tokens import TokenPair, token_pair_issue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SocialSignIn:
    user: User
    tokens: TokenPair
    created: bool


@contextmanager
def _provider_errors(provider: str) -> Iterator[None]:
    """Turn a provider's errors into API errors (401, 503)."""
    try:
        yield
    except ProviderNotConfigured as exc:
        raise ProviderUnavailable() from exc
    except ProviderUnreachable as exc:
        logger.warning("social sign-in provider unreachable", extra={"provider": provider})
        raise SocialProviderUnreachable() from exc
    except TokenRejected as exc:
        logger.info(
            "social sign-in token rejected", extra={"provider": provider, "reason": exc.reason}
        )
        raise SocialTokenInvalid() from exc


def google_identity_sign_in(*, id_token: str) -> SocialSignIn:
    """Sign in with a Google ID token."""
    with _provider_errors(google.PROVIDER):
        identity = google.id_token_verify(token=id_token)
    return social_identity_sign_in(identity=identity)


def apple_identity_sign_in(
    *, identity_token: str, nonce: str, first_name: str = "", last_name: str = ""
) -> SocialSignIn:
    """Sign in with an Apple identity token; ``nonce`` is the raw nonce, spent by this call.

    Apple gives the name to the app on the first authorization only: it fills a blank name.
    """
    with _provider_errors(apple.PROVIDER):
        identity = apple.identity_token_verify(token=identity_token, raw_nonce=nonce)
    name = " ".join(part for part in (first_name.strip(), last_name.strip()) if part)
    return social_identity_sign_in(
        identity=replace(identity, name=name[:150]), nonce_digest=apple.nonce_digest(nonce)
    )


def social_identity_sign_in(
    *, identity: VerifiedIdentity, nonce_digest: str | None = None
) -> SocialSignIn:
    """Apply the module's rules to a verified identity; spend ``nonce_digest`` if given."""
    try:
        return _sign_in(identity=identity, nonce_digest=nonce_digest)
    except IntegrityError:
        # A concurrent first sign-in (same identity or email) committed its rows first; they
        # are visible now, so the second attempt takes the "existing" paths.
        return _sign_in(identity=identity, nonce_digest=nonce_digest)


def _sign_in(*, identity: VerifiedIdentity, nonce_digest: str | None) -> SocialSignIn:
    now = timezone.now()
    with transaction.atomic():
        if nonce_digest is not None:
            _nonce_spend(digest=nonce_digest, expires_at=identity.expires_at)
        link = (
            SocialIdentity.objects.select_related("user")
            .filter(provider=identity.provider, subject=identity.subject)
            .first()
        )
        created = False
        if link is not None:
            user = link.user
            _ensure_active(user)
            SocialIdentity.objects.filter(pk=link.pk).update(
                email=identity.email or link.email,
                is_private_relay=identity.is_private_relay,
                last_login_at=now,
            )
        else:
            if not identity.email or not identity.email_verified:
                raise SocialEmailUnverified()
            existing = User.objects.filter(email=identity.email).first()
            if existing is None:
                user = User.objects.create_user(email=identity.email, name=identity.name)
                created = True
            else:
                user = existing
                _ensure_active(user)
            SocialIdentity.objects.create(
                user=user,
                provider=identity.provider,
                subject=identity.subject,
                email=identity.email,
                is_private_relay=identity.is_private_relay,
                created_at=now,
                last_login_at=now,
            )
        updates: dict[str, object] = {"last_login": now}
        if identity.name and not user.name:
            updates["name"] = user.name = identity.name
        User.objects.filter(pk=user.pk).update(**updates)
        user.last_login = now
        return SocialSignIn(user=user, tokens=token_pair_issue(user=user), created=created)


def _ensure_active(user: User) -> None:
    if not user.is_active:
        raise AccountDisabled()


def _nonce_spend(*, digest: str, expires_at: datetime) -> None:
    try:
        with transaction.atomic():
            UsedNonce.objects.create(digest=digest, expires_at=expires_at)
    except IntegrityError:
        logger.info("social sign-in nonce replayed")
        raise SocialTokenInvalid() from None


def used_nonces_purge(*, now: datetime | None = None) -> int:
    """Delete spent nonces whose tokens have expired (such a token is refused on ``exp``)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=CLOCK_SKEW_SECONDS)
    deleted, _ = UsedNonce.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
