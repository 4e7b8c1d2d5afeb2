from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from accounts import error_codes
from accounts.models import User
from accounts.services.tokens import TokenPair, token_pair_issue
from core.validation import django_error_details

EMAIL_UNAVAILABLE_MESSAGE = "This email address cannot be used to register."


def user_register(*, email: str, password: str, name: str = "") -> tuple[User, TokenPair]:
    """Create an account and sign it in.

    The password is validated and hashed before the uniqueness of the email is known, so a
    taken address answers with a validation error of the same shape and about the same time
    as any other invalid input.
    """
    email = User.objects.normalize_email(email).strip().lower()
    candidate = User(email=email, name=name)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise ValidationError({"password": django_error_details(exc)}) from exc
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
            pair = token_pair_issue(user=candidate)
    except IntegrityError:
        raise ValidationError(
            {"email": [EMAIL_UNAVAILABLE_MESSAGE]}, code=error_codes.EMAIL_UNAVAILABLE
        ) from None
    return candidate, pair
