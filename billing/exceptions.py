"""API errors of the billing app (rendered in the one envelope)."""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from core.exceptions import Conflict

from . import error_codes


class BillingConflict(Conflict):
    default_code = "conflict"

    def __init__(self, detail: str, *, code: str) -> None:
        super().__init__(detail=detail, code=code)


class BillingBadRequest(ValidationError):
    """A 400 about one input field, with a billing code (unknown price, currency mismatch)."""

    def __init__(self, detail: str, *, code: str, attr: str) -> None:
        super().__init__({attr: [detail]}, code=code)


class ProviderUnavailableError(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "This payment provider is not configured on this server."
    default_code = error_codes.PROVIDER_UNAVAILABLE


class WebhookSignatureInvalid(APIException):
    """A 400, as Stripe documents for a failed signature check (a 401 would invite a user
    token, which webhooks never carry)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The notification's signature is missing or does not match."
    default_code = error_codes.INVALID_SIGNATURE


class WebhookPayloadInvalid(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The notification could not be read."
    default_code = error_codes.INVALID_PAYLOAD
