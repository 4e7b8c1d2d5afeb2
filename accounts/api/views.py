"""Authentication endpoints: thin views (parse, call a service, render)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import error_codes, services
from accounts.models import User
from accounts.services.tokens import TokenPair
from core.throttling import (
    LoginThrottle,
    PasswordResetThrottle,
    RefreshThrottle,
    RegisterThrottle,
)

from .serializers import (
    AcceptedOutputSerializer,
    AuthSessionOutputSerializer,
    LoginInputSerializer,
    LogoutInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
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
            client_ip=LoginThrottle().get_ident(request),
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
    throttle_classes = (PasswordResetThrottle,)

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
