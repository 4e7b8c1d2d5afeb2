"""drf-spectacular pieces of the accounts app: our JWT authentication as a bearer scheme, and
the error envelope of the social sign-in 409."""

from django.db import models
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme

from core.openapi import error_envelope_serializer


class FitCoreJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"


class ErrorCode409SocialEnum(models.TextChoices):
    SOCIAL_EMAIL_UNVERIFIED = "social_email_unverified"


ErrorResponse409SocialSerializer = error_envelope_serializer(
    status_code=409,
    codes=ErrorCode409SocialEnum,
    suffix="Social",
    doc="The envelope of a social sign-in refused for want of a verified email.",
)
