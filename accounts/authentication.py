"""Bearer-token authentication for the API (one query per request, no session touched)."""

from __future__ import annotations

import uuid

from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.tokens import Token

from accounts.exceptions import InvalidToken
from accounts.models import User
from accounts.services.tokens import FAMILY_CLAIM


class JWTAuthentication(SimpleJWTAuthentication):
    """simplejwt's header parsing and signature/expiry checks, plus: the token's sign-in
    (family) must not be revoked and the user must be active, checked in the same query that
    loads the user."""

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        try:
            public_id = uuid.UUID(str(validated_token["sub"]))
            family_id = uuid.UUID(str(validated_token[FAMILY_CLAIM]))
        except (KeyError, ValueError) as exc:
            raise InvalidToken() from exc
        user = (
            User.objects.filter(
                public_id=public_id,
                is_active=True,
                token_families__id=family_id,
                token_families__revoked_at__isnull=True,
            )
            .only("id", "public_id", "email", "name", "is_active", "is_staff", "is_superuser")
            .first()
        )
        if user is None:
            raise InvalidToken("This sign-in is no longer valid; sign in again.")
        return user
