"""OpenAPI (drf-spectacular) pieces shared by every app: error responses documented per
operation by drf-standardized-errors, extended to the full envelope of ``core.errors``."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiExample
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import serializers
from rest_framework.settings import api_settings


class ErrorCode413Enum(models.TextChoices):
    PAYLOAD_TOO_LARGE = "payload_too_large"


class Error413Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode413Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse413Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error413Serializer(many=True)  # type: ignore[assignment]


class ErrorCode401Enum(models.TextChoices):
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    TOKEN_NOT_VALID = "token_not_valid"
    TOKEN_REUSED = "token_reused"
    INVALID_CREDENTIALS = "invalid_credentials"
    SOCIAL_TOKEN_INVALID = "social_token_invalid"


class Error401Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode401Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse401Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error401Serializer(many=True)  # type: ignore[assignment]


class ErrorCode429Enum(models.TextChoices):
    THROTTLED = "throttled"
    TOO_MANY_FAILED_LOGINS = "too_many_failed_logins"


class Error429Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode429Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse429Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error429Serializer(many=True)  # type: ignore[assignment]


class ErrorCode503Enum(models.TextChoices):
    SOCIAL_PROVIDER_UNAVAILABLE = "social_provider_unavailable"


class Error503Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode503Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse503Serializer(serializers.Serializer):
    """The envelope of a 503: a provider the endpoint needs is not configured or unreachable."""

    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)
    errors = Error503Serializer(many=True)  # type: ignore[assignment]


class AutoSchema(StandardizedErrorsAutoSchema):
    """Error responses per operation, from drf-standardized-errors, plus:

    * 413 on operations that take a body;
    * 401 on views that declare ``raises_authentication_errors = True`` (the auth endpoints,
      which check tokens or credentials themselves);
    * the ``unknown_field`` code on ``non_field_errors`` for StrictInputSerializer bodies.
    """

    def _should_add_error_response(self, responses: dict[str, Any], status_code: str) -> bool:
        if status_code == "413":
            return self.method in {"POST", "PUT", "PATCH"} and status_code not in responses
        if status_code == "401" and getattr(self.view, "raises_authentication_errors", False):
            return status_code not in responses
        return bool(super()._should_add_error_response(responses, status_code))

    def _get_extra_validation_errors(self) -> dict[str, set[str]]:
        extra: dict[str, set[str]] = dict(super()._get_extra_validation_errors())
        if self.method in {"POST", "PUT", "PATCH"}:
            from .serializers import UNKNOWN_FIELD, StrictInputSerializer

            serializer = self.get_request_serializer()
            serializer_class = serializer if isinstance(serializer, type) else type(serializer)
            if issubclass(serializer_class, StrictInputSerializer):
                key = api_settings.NON_FIELD_ERRORS_KEY
                extra[key] = {*extra.get(key, set()), UNKNOWN_FIELD}
        return extra


ENVELOPE_PROPERTIES = {
    "code": {
        "type": "string",
        "description": "Machine-readable code: `invalid_input` for validation errors, "
        "otherwise the code of the first error.",
    },
    "message": {"type": "string", "description": "A human-readable summary."},
    "request_id": {
        "type": "string",
        "description": "The request id, also returned in the X-Request-ID header.",
    },
}


def postprocess_error_envelope(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add ``code``, ``message`` and ``request_id`` to every error response component."""
    schemas = result.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        properties = schema.get("properties", {})
        if {"type", "errors"} <= properties.keys():
            properties.update(ENVELOPE_PROPERTIES)
            required = schema.setdefault("required", [])
            for name in ("code", "message", "request_id"):
                if name not in required:
                    required.append(name)
    return result


def validation_error_example(field: str, code: str, detail: str) -> OpenApiExample:
    """An example of the envelope for one invalid field, for @extend_schema(examples=...)."""
    return OpenApiExample(
        f"Invalid {field}",
        value={
            "type": "validation_error",
            "code": "invalid_input",
            "message": f"{field}: {detail}",
            "errors": [{"code": code, "detail": detail, "attr": field}],
            "request_id": "0f5d1e6ad1f04b5c9a3c2b6b1d7e9a10",
        },
        response_only=True,
        status_codes=["400"],
    )


class StrictInputSerializerExtension(OpenApiSerializerExtension):
    """Bodies of StrictInputSerializer refuse unknown fields: say so in the schema."""

    target_class = "core.serializers.StrictInputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema
