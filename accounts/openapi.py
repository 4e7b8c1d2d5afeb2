"""drf-spectacular pieces of the accounts app: our JWT authentication as a bearer scheme, and
the error envelope of the social sign-in 409."""

from django.db import models
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers


class FitCoreJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"


class ErrorCode409SocialEnum(models.TextChoices):
    SOCIAL_EMAIL_UNVERIFIED = "social_email_unverified"


class Error409SocialSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode409SocialEnum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409SocialSerializer(serializers.Serializer):
    """The envelope of a social sign-in refused for want of a verified email."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error409SocialSerializer(many=True)  # type: ignore[assignment]
