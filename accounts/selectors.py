"""Reads of the accounts app."""

from __future__ import annotations

from accounts.models import User


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower(), is_active=True).first()


def user_get_by_public_id(*, public_id: str) -> User | None:
    import uuid

    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return User.objects.filter(public_id=parsed, is_active=True).first()
