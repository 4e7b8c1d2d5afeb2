"""Validation helpers that any layer may import (no DRF views or settings pulled in)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ErrorDetail


def django_error_details(exc: DjangoValidationError) -> list[ErrorDetail]:
    """Django validation errors (e.g. password validators) as DRF details, codes kept."""
    return [
        ErrorDetail(message, code=error.code or "invalid")
        for error in exc.error_list
        for message in error.messages
    ]
