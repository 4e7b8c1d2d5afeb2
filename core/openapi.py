"""OpenAPI (drf-spectacular) pieces shared by every app: error responses documented per
operation by drf-standardized-errors, extended to the full envelope of ``core.errors``."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import OpenApiExample
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import serializers
from rest_framework.settings import api_settings


def error_envelope_serializer(
    *, status_code: int | str, codes: type[models.TextChoices], suffix: str = "", doc: str = ""
) -> type[serializers.Serializer]:
    """The documented envelope of one error status with its possible codes.

    Makes ``Error<status><suffix>Serializer`` (one error) and returns
    ``ErrorResponse<status><suffix>Serializer`` (the envelope; ``core.openapi`` adds ``code``,
    ``message`` and ``request_id`` to it in ``postprocess_error_envelope``).
    """
    name = f"{status_code}{suffix}"
    error = type(
        f"Error{name}Serializer",
        (serializers.Serializer,),
        {
            "__module__": codes.__module__,
            "code": serializers.ChoiceField(choices=codes.choices),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    envelope_type = ServerErrorEnum if int(status_code) >= 500 else ClientErrorEnum
    return type(
        f"ErrorResponse{name}Serializer",
        (serializers.Serializer,),
        {
            "__module__": codes.__module__,
            "__doc__": doc or None,
            "type": serializers.ChoiceField(choices=envelope_type.choices),
            "errors": error(many=True),
        },
    )


class ErrorCode401Enum(models.TextChoices):
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    TOKEN_NOT_VALID = "token_not_valid"
    TOKEN_REUSED = "token_reused"
    INVALID_CREDENTIALS = "invalid_credentials"
    SOCIAL_TOKEN_INVALID = "social_token_invalid"


class ErrorCode413Enum(models.TextChoices):
    PAYLOAD_TOO_LARGE = "payload_too_large"


class ErrorCode429Enum(models.TextChoices):
    THROTTLED = "throttled"
    TOO_MANY_FAILED_LOGINS = "too_many_failed_logins"


class ErrorCode503Enum(models.TextChoices):
    SOCIAL_PROVIDER_UNAVAILABLE = "social_provider_unavailable"


ErrorResponse401Serializer = error_envelope_serializer(status_code=401, codes=ErrorCode401Enum)
ErrorResponse413Serializer = error_envelope_serializer(status_code=413, codes=ErrorCode413Enum)
ErrorResponse429Serializer = error_envelope_serializer(status_code=429, codes=ErrorCode429Enum)
ErrorResponse503Serializer = error_envelope_serializer(
    status_code=503,
    codes=ErrorCode503Enum,
    doc="The envelope of a 503: a provider the endpoint needs is not configured or unreachable.",
)


class AutoSchema(StandardizedErrorsAutoSchema):
    """Error responses per operation, from drf-standardized-errors, plus:

    * 413 on operations that take a body;
    * 401 on views that declare ``raises_authentication_errors = True`` (the auth endpoints,
      which check tokens or credentials themselves);
    * the ``unknown_field`` code on ``non_field_errors`` for StrictInputSerializer bodies;
    * bodies documented per media type (``request={"application/json": A,
      "multipart/form-data": B}``): the 400 lists the fields and codes of each.
    """

    def _get_error_response_examples(self) -> list[Any]:
        """drf-standardized-errors' generic examples, less those of the status codes a view
        documents with its own codes (``generic_error_examples_excluded``)."""
        excluded = set(getattr(self.view, "generic_error_examples_excluded", ()))
        return [
            example
            for example in super()._get_error_response_examples()
            if not excluded.intersection(example.status_codes or ())
        ]

    def _request_serializers(self) -> list[Any]:
        serializer = self.get_request_serializer()
        return list(serializer.values()) if isinstance(serializer, dict) else [serializer]

    def _should_add_validation_error_response(self) -> bool:
        if self.method in {"POST", "PUT", "PATCH"} and isinstance(
            self.get_request_serializer(), dict
        ):
            return True
        return bool(super()._should_add_validation_error_response())

    def _determine_fields_with_error_codes(self) -> list[Any]:
        serializer = self.get_request_serializer()
        if self.method not in {"POST", "PUT", "PATCH"} or not isinstance(serializer, dict):
            return list(super()._determine_fields_with_error_codes())
        from drf_standardized_errors.openapi_utils import (
            get_flat_serializer_fields,
            get_serializer_fields_with_error_codes,
        )

        fields: list[Any] = []
        for each in serializer.values():
            fields += get_serializer_fields_with_error_codes(get_flat_serializer_fields(each))
        return fields

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

            classes = [s if isinstance(s, type) else type(s) for s in self._request_serializers()]
            if any(issubclass(c, StrictInputSerializer) for c in classes):
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


EXAMPLE_REQUEST_ID = "0f5d1e6ad1f04b5c9a3c2b6b1d7e9a10"


def _complete_error_example(value: Any) -> None:
    """drf-standardized-errors' generic examples carry only ``type`` and ``errors``."""
    if not (isinstance(value, dict) and {"type", "errors"} <= value.keys() and value["errors"]):
        return
    first = value["errors"][0]
    if value["type"] == "validation_error":
        value.setdefault("code", "invalid_input")
        attr = first.get("attr")
        value.setdefault("message", f"{attr}: {first['detail']}" if attr else first["detail"])
    else:
        value.setdefault("code", first["code"])
        value.setdefault("message", first["detail"])
    value.setdefault("request_id", EXAMPLE_REQUEST_ID)


def postprocess_error_envelope(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add ``code``, ``message`` and ``request_id`` to every error response component, and to
    the examples of error responses."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for status_code, response in operation.get("responses", {}).items():
                if str(status_code)[0] not in "45":
                    continue
                for media in response.get("content", {}).values():
                    for example in media.get("examples", {}).values():
                        _complete_error_example(example.get("value"))
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
            "request_id": EXAMPLE_REQUEST_ID,
        },
        response_only=True,
        status_codes=["400"],
    )


class NullableNestedSerializerExtension(OpenApiSerializerFieldExtension):
    """A nested object that may be null, documented as ``oneOf: [object, null]``.

    drf-spectacular writes ``allOf: [object], nullable: true``, which OpenAPI 3.0 validators
    (openapi-core among them) read as "never null": ``nullable`` only applies to a ``type``
    in the same schema object.
    """

    target_class = "core.serializers.NullableNestedOutputSerializer"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        component = auto_schema.resolve_serializer(self.target, direction)
        if not self.target.allow_null:
            return component.ref
        return {"oneOf": [component.ref, {"enum": [None]}]}


class StrictInputSerializerExtension(OpenApiSerializerExtension):
    """Bodies of StrictInputSerializer refuse unknown fields: say so in the schema."""

    target_class = "core.serializers.StrictInputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema


class BulkError400Serializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. missing, float_parsing, invalid, parse_error")
    detail = serializers.CharField()
    attr = serializers.CharField(
        allow_null=True, help_text="dotted path of the offending item, e.g. items.12.start"
    )


class BulkErrorResponse400Serializer(serializers.Serializer):
    """The 400 of a bulk endpoint: every problem found in the batch, by item path."""

    type = serializers.ChoiceField(choices=["validation_error", "client_error"])
    errors = BulkError400Serializer(many=True)  # type: ignore[assignment]
