"""The one error envelope, for DRF views (via drf-standardized-errors) and plain Django alike.

Every error response, 4xx or 5xx, has this shape::

    {
      "type": "validation_error" | "client_error" | "server_error",
      "code": "invalid_input",            # machine-readable, stable
      "message": "email: Enter a valid email address.",   # for humans
      "errors": [{"code": "invalid", "detail": "Enter a valid email address.", "attr": "email"}],
      "request_id": "2f0d0b0e9c0a4c8f9d4d2b1f6f3c6a77"
    }

``attr`` names the field (dotted for nested fields, ``non_field_errors`` for the whole body)
and is null for errors that are not about a field.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, JsonResponse
from django_guid import get_guid
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.types import ErrorResponse
from rest_framework import exceptions, status

from . import error_codes

logger = logging.getLogger("django.request")


def current_request_id() -> str:
    return get_guid() or ""


class EnvelopeFormatter(ExceptionFormatter):
    def format_error_response(self, error_response: ErrorResponse) -> dict[str, Any]:
        errors = [asdict(error) for error in error_response.errors]
        return envelope(
            error_type=error_response.type,
            errors=errors,
            validation=isinstance(self.exc, exceptions.ValidationError),
        )


class EnvelopeExceptionHandler(ExceptionHandler):
    def report_exception(self, exc: exceptions.APIException, response: Any) -> None:
        """Report only real failures (500s) as errors; a deliberate 503 (a provider that is
        down or not configured) is logged as a warning, without a traceback. Django logs the
        4xx answers itself."""
        if response.status_code == status.HTTP_500_INTERNAL_SERVER_ERROR:
            super().report_exception(exc, response)
        elif response.status_code > status.HTTP_500_INTERNAL_SERVER_ERROR:
            logger.warning(
                "%s answered %s: %s",
                getattr(self.context.get("request"), "path", ""),
                response.status_code,
                exc.get_codes(),
            )

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        from django.core.exceptions import RequestDataTooBig

        if isinstance(exc, RequestDataTooBig):
            from .exceptions import PayloadTooLarge

            return PayloadTooLarge()
        return super().convert_known_exceptions(exc)


def envelope(*, error_type: str, errors: list[dict[str, Any]], validation: bool) -> dict[str, Any]:
    first = errors[0] if errors else {"code": error_type, "detail": "", "attr": None}
    if validation:
        code = error_codes.INVALID_INPUT
        attr = first.get("attr")
        message = f"{attr}: {first['detail']}" if attr else str(first["detail"])
    else:
        code = str(first["code"])
        message = str(first["detail"])
    return {
        "type": error_type,
        "code": code,
        "message": message,
        "errors": errors,
        "request_id": current_request_id(),
    }


def error_response(*, status_code: int, code: str, message: str) -> JsonResponse:
    """An envelope for errors raised outside DRF (Django's handlers, middleware)."""
    error_type = "server_error" if status_code >= 500 else "client_error"
    body = envelope(
        error_type=error_type,
        errors=[{"code": code, "detail": message, "attr": None}],
        validation=False,
    )
    return JsonResponse(body, status=status_code)


# Django's own error views, wired as handler400/403/404/500 in config/urls.py.
def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(
        status_code=status.HTTP_400_BAD_REQUEST,
        code=error_codes.BAD_REQUEST,
        message="The request could not be understood.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(
        status_code=status.HTTP_403_FORBIDDEN,
        code=error_codes.PERMISSION_DENIED,
        message="You do not have permission to perform this action.",
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(
        status_code=status.HTTP_404_NOT_FOUND, code=error_codes.NOT_FOUND, message="Not found."
    )


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        code=error_codes.SERVER_ERROR,
        message="Server Error (500)",
    )
