"""Sign-in providers: each verifies a provider's token and returns a VerifiedIdentity.

``google.id_token_verify`` and ``apple.identity_token_verify`` are the whole interface; they
raise the errors of :mod:`accounts.providers.base`, never a library's own.
"""

from .base import (
    ProviderNotConfigured,
    ProviderUnreachable,
    TokenRejected,
    VerifiedIdentity,
)

__all__ = ["ProviderNotConfigured", "ProviderUnreachable", "TokenRejected", "VerifiedIdentity"]
