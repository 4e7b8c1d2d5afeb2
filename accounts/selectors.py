"""Reads of the accounts app."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Max, Q, QuerySet
from django.http import Http404

from accounts.models import TokenFamily, User


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower(), is_active=True).first()


def user_get_by_public_id(*, public_id: str) -> User | None:
    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return User.objects.filter(public_id=parsed, is_active=True).first()


def token_families_active_for_user(*, user: User) -> QuerySet[TokenFamily]:
    """The caller's signed-in sessions, most recently refreshed first."""
    return (
        TokenFamily.objects.filter(user=user, revoked_at__isnull=True)
        .annotate(last_refreshed_at=Max("tokens__issued_at"))
        .order_by("-last_refreshed_at", "-created_at")
    )


def token_family_get_for_user(*, user: User, family_id: uuid.UUID) -> TokenFamily:
    """One active session of the caller; anyone else's (or a revoked one) is a 404."""
    family = TokenFamily.objects.filter(user=user, id=family_id, revoked_at__isnull=True).first()
    if family is None:
        raise Http404
    return family


def users_search(
    *,
    q: str | None = None,
    joined_from: datetime | None = None,
    joined_before: datetime | None = None,
) -> QuerySet[User]:
    """Users whose email or name contains ``q`` (case-insensitive), joined in
    [``joined_from``, ``joined_before``), unordered."""
    qs = User.objects.all()
    if q:
        qs = qs.filter(Q(email__icontains=q) | Q(name__icontains=q))
    if joined_from is not None:
        qs = qs.filter(date_joined__gte=joined_from)
    if joined_before is not None:
        qs = qs.filter(date_joined__lt=joined_before)
    return qs
