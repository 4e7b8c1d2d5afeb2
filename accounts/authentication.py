"""Bearer-token authentication for the API (one query per request, no session touched)."""

from __future__ import annotations

import functools
import uuid

from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.tokens import Token

from accounts.exceptions import InvalidToken
from accounts.models import TokenFamily, User
from accounts.services.tokens import FAMILY_CLAIM

USER_FIELDS = (
    "id",
    "public_id",
    "email",
    "name",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
)


@functools.cache
def _user_for_token_sql() -> str:
    """The one query of every authenticated request, written once.

    It runs on every API call, so it is kept as plain SQL: building and compiling the same ORM
    query each time cost about as much as the rest of an authenticated request together.
    """
    user, family = User._meta, TokenFamily._meta
    columns = ", ".join(f'u."{user.get_field(name).column}"' for name in USER_FIELDS)  # type: ignore[union-attr]
    # Only model metadata is interpolated; the values are query parameters.
    return (
        f'SELECT {columns} FROM "{user.db_table}" u '  # noqa: S608
        f'JOIN "{family.db_table}" f ON f."user_id" = u."id" '
        'WHERE u."public_id" = %s AND u."is_active" AND f."id" = %s '
        'AND f."revoked_at" IS NULL LIMIT 1'
    )


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
        users = list(User.objects.raw(_user_for_token_sql(), [public_id, family_id]))
        if not users:
            raise InvalidToken("This sign-in is no longer valid; sign in again.")
        return users[0]
