"""Reads of the admin API, composed from the owning apps' selectors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from accounts.selectors import users_search
from billing.entitlements import premium_active_exists

USER_FIELDS = ("public_id", "email", "name", "is_active", "is_staff", "date_joined", "last_login")


def users_for_admin(
    *,
    q: str | None = None,
    joined_from: datetime | None = None,
    joined_before: datetime | None = None,
    is_premium: bool | None = None,
) -> QuerySet[Any]:
    """Users as dicts (``USER_FIELDS`` and ``is_premium``: an active premium entitlement,
    answered by ``EXISTS`` in the same query), newest first."""
    qs = users_search(q=q, joined_from=joined_from, joined_before=joined_before).annotate(
        is_premium=premium_active_exists()
    )
    if is_premium is not None:
        qs = qs.filter(is_premium=is_premium)
    return qs.order_by("-date_joined", "-pk").values(*USER_FIELDS, "is_premium")
