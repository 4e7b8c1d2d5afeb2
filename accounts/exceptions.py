from rest_framework import status
from rest_framework.exceptions import APIException, AuthenticationFailed

from . import error_codes


class InvalidToken(AuthenticationFailed):
    default_detail = "The token is invalid or expired."
    default_code = error_codes.TOKEN_INVALID


class TokenReused(AuthenticationFailed):
    default_detail = (
        "This refresh token was already used. For safety every token of this sign-in was "
        "revoked; sign in again."
    )
    default_code = error_codes.TOKEN_REUSED


class InvalidCredentials(AuthenticationFailed):
    default_detail = "The email or password is incorrect."
    default_code = error_codes.INVALID_CREDENTIALS


class TooManyFailedLogins(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many failed sign-in attempts. Try again later."
    default_code = error_codes.TOO_MANY_FAILED_LOGINS


class ProviderUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "This sign-in provider is not configured on this server."
    default_code = error_codes.SOCIAL_PROVIDER_UNAVAILABLE


class SocialProviderUnreachable(ProviderUnavailable):
    """Transient: the provider's signing keys could not be fetched."""

    default_detail = "The sign-in provider cannot be reached right now. Try again shortly."


class SocialTokenInvalid(AuthenticationFailed):
    default_detail = "The sign-in token is invalid, expired or already used."
    default_code = error_codes.SOCIAL_TOKEN_INVALID


class SocialEmailUnverified(APIException):
    """The provider has not verified the token's email: it may not claim an account."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "The sign-in provider has not verified this email address. Verify it with the "
        "provider, or sign in with your password."
    )
    default_code = error_codes.SOCIAL_EMAIL_UNVERIFIED


class AccountDisabled(AuthenticationFailed):
    default_detail = "This account is disabled."
