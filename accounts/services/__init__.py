"""Writes of the accounts app. Other apps import from here and from accounts.selectors only."""

from .passwords import password_reset_confirm, password_reset_request
from .registration import user_register
from .sessions import user_login
from .tokens import (
    TokenPair,
    token_family_revoke,
    token_family_sign_out,
    token_pair_issue,
    token_refresh,
)

__all__ = [
    "TokenPair",
    "password_reset_confirm",
    "password_reset_request",
    "token_family_revoke",
    "token_family_sign_out",
    "token_pair_issue",
    "token_refresh",
    "user_login",
    "user_register",
]
