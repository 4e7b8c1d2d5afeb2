from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework.exceptions import ValidationError

from accounts import error_codes
from accounts.models import User
from accounts.selectors import user_get_by_email, user_get_by_public_id
from accounts.services.tokens import user_token_families_revoke
from core.validation import django_error_details

RESET_INVALID_MESSAGE = "This password reset link is invalid or has expired."


def password_reset_request(*, email: str) -> None:
    """Send a reset email if an active account has this address; say nothing either way."""
    from accounts.tasks import password_reset_email_send

    user = user_get_by_email(email=email)
    if user is not None:
        password_reset_email_send.delay_on_commit(user_id=user.pk)


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password with an emailed token and sign out every session.

    The token (Django's generator) hashes the current password, so it works once; it expires
    after ``PASSWORD_RESET_TIMEOUT`` seconds.
    """
    user = user_get_by_public_id(public_id=uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationError(
            {"token": [RESET_INVALID_MESSAGE]}, code=error_codes.RESET_TOKEN_INVALID
        )
    try:
        validate_password(new_password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError({"new_password": django_error_details(exc)}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_token_families_revoke(user=user, reason="password_reset")
    return user
