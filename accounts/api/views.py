"""Authentication endpoints: thin views (parse, call a service, render)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import error_codes, services
from accounts.models import User
from accounts.openapi import ErrorResponse409SocialSerializer
from accounts.selectors import token_families_active_for_user, token_family_get_for_user
from accounts.services.social import (
    SocialSignIn,
    apple_identity_sign_in,
    google_identity_sign_in,
)
from accounts.services.tokens import FAMILY_CLAIM, TokenPair
from core.openapi import ErrorResponse503Serializer
from core.pagination import CatalogPagination
from core.throttling import (
    LoginThrottle,
    PasswordResetConfirmThrottle,
    PasswordResetThrottle,
    RefreshThrottle,
    RegisterThrottle,
    client_ip,
)

from .serializers import (
    AcceptedOutputSerializer,
    AppleSignInInputSerializer,
    AuthSessionOutputSerializer,
    GoogleSignInInputSerializer,
    LoginInputSerializer,
    LogoutInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    SessionOutputSerializer,
    SocialSignInOutputSerializer,
    TokenPairOutputSerializer,
)

TAGS = ["auth"]


def session_body(user: User, pair: TokenPair) -> dict[str, Any]:
    return AuthSessionOutputSerializer({**pair.__dict__, "user": user}).data


PASSWORD_VALIDATOR_CODES = [
    "password_too_short",
    "password_too_common",
    "password_entirely_numeric",
    "password_too_similar",
]


class PublicAuthView(APIView):
    """Auth endpoints are reached without a token (a stale one must not get in the way)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    raises_authentication_errors = True

    def get_authenticate_header(self, request: Request) -> str:
        # With no authentication classes DRF would turn a 401 into a 403.
        return 'Bearer realm="api"'


@extend_validation_errors([error_codes.EMAIL_UNAVAILABLE], field_name="email", methods=["post"])
@extend_validation_errors(PASSWORD_VALIDATOR_CODES, field_name="password", methods=["post"])
class RegisterView(PublicAuthView):
    raises_authentication_errors = False
    throttle_classes = (RegisterThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Create an account",
        request=RegisterInputSerializer,
        responses={201: AuthSessionOutputSerializer},
        auth=[],
        examples=[
            OpenApiExample(
                "New account",
                value={
                    "email": "ada@example.com",
                    "password": "correct horse battery",
                    "name": "Ada",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, pair = services.user_register(**data.validated_data)
        return Response(session_body(user, pair), status=status.HTTP_201_CREATED)


class LoginView(PublicAuthView):
    throttle_classes = (LoginThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Sign in with email and password",
        description="Wrong password and unknown email answer the same 401. Repeated failures "
        "are refused with 429 per account and per client IP.",
        request=LoginInputSerializer,
        responses={200: AuthSessionOutputSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, pair = services.user_login(
            **data.validated_data,
            client_ip=client_ip(request),
            request=request._request,
        )
        return Response(session_body(user, pair))


class RefreshView(PublicAuthView):
    throttle_classes = (RefreshThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Exchange a refresh token for a new pair (rotation)",
        description="The refresh token is single-use: the answer carries a new refresh token. "
        "Presenting a used one again revokes every token of that sign-in (401 `token_reused`), "
        "except the immediate parent within REFRESH_REUSE_GRACE_SECONDS, which gets the same "
        "pair back.",
        request=RefreshInputSerializer,
        responses={200: TokenPairOutputSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pair = services.token_refresh(refresh=data.validated_data["refresh"])
        return Response(TokenPairOutputSerializer(pair).data)


class LogoutView(PublicAuthView):
    throttle_classes = (RefreshThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Sign out (revoke this sign-in's tokens)",
        request=LogoutInputSerializer,
        responses={204: None},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = LogoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.token_family_revoke(refresh=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicAuthView):
    raises_authentication_errors = False
    throttle_classes = (PasswordResetThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Email a password-reset link",
        description="Always 202, whether or not an account has this address.",
        request=PasswordResetInputSerializer,
        responses={202: AcceptedOutputSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(email=data.validated_data["email"])
        return Response(
            {"detail": "If an account has this address, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


@extend_validation_errors([error_codes.RESET_TOKEN_INVALID], field_name="token", methods=["post"])
@extend_validation_errors(PASSWORD_VALIDATOR_CODES, field_name="new_password", methods=["post"])
class PasswordResetConfirmView(PublicAuthView):
    raises_authentication_errors = False
    throttle_classes = (PasswordResetConfirmThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Set a new password with the emailed uid and token",
        description="The token works once and expires. Every existing sign-in of the account "
        "is revoked.",
        request=PasswordResetConfirmInputSerializer,
        responses={204: None},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionListView(APIView):
    pagination_class = CatalogPagination

    @extend_schema(
        tags=TAGS,
        summary="The caller's signed-in sessions (devices)",
        description="`current` marks the session of the token used for this request.",
        responses={200: SessionOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        families = token_families_active_for_user(user=cast(User, request.user))
        page = paginator.paginate_queryset(families, request, view=self)
        claims = getattr(request.auth, "payload", {})
        context = {"current_family_id": str(claims.get(FAMILY_CLAIM, ""))}
        data = SessionOutputSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)


class SessionDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Sign a session out (its refresh and access tokens stop working)",
        responses={204: None},
    )
    def delete(self, request: Request, session_id: uuid.UUID) -> Response:
        family = token_family_get_for_user(user=cast(User, request.user), family_id=session_id)
        services.token_family_sign_out(family=family)
        return Response(status=status.HTTP_204_NO_CONTENT)


SOCIAL_SIGN_IN_RULES = (
    "The account is keyed on the provider's subject id: once linked, an identity signs in the "
    "same account even after its email changed at the provider. A first sign-in links to the "
    "account with the same email, or creates one, only when the provider verified that email; "
    "otherwise 409 `social_email_unverified` (also when the provider shares no email). A token "
    "that is invalid, expired, for another audience or issuer, or badly signed answers 401 "
    "`social_token_invalid`; a disabled account 401 `authentication_failed`. 503 "
    "`social_provider_unavailable`: the provider is not configured on this server, or its "
    "signing keys cannot be fetched right now (retry later)."
)
SOCIAL_SIGN_IN_RESPONSES = {
    200: SocialSignInOutputSerializer,
    409: ErrorResponse409SocialSerializer,
    503: ErrorResponse503Serializer,
}


def social_session_body(result: SocialSignIn) -> dict[str, Any]:
    return SocialSignInOutputSerializer(
        {**result.tokens.__dict__, "user": result.user, "created": result.created}
    ).data


class GoogleSignInView(PublicAuthView):
    throttle_classes = (LoginThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Sign in with a Google ID token",
        description="Send the ID token from Google Sign-In in the app; its audience must be "
        "this server's (web) client id. " + SOCIAL_SIGN_IN_RULES,
        request=GoogleSignInInputSerializer,
        responses=SOCIAL_SIGN_IN_RESPONSES,
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = GoogleSignInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = google_identity_sign_in(id_token=data.validated_data["id_token"])
        return Response(social_session_body(result))


class AppleSignInView(PublicAuthView):
    throttle_classes = (LoginThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Sign in with an Apple identity token",
        description="Send the identity token and the raw nonce whose SHA-256 hex digest the "
        "app gave Apple; a nonce works once (a replayed token answers 401). Apple gives the "
        "user's name to the app on the first authorization only: send it then, it fills a "
        "blank account name. " + SOCIAL_SIGN_IN_RULES,
        request=AppleSignInInputSerializer,
        responses=SOCIAL_SIGN_IN_RESPONSES,
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = AppleSignInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = apple_identity_sign_in(**data.validated_data)
        return Response(social_session_body(result))
