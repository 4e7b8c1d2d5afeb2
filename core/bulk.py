"""Bulk JSON bodies parsed with pydantic, reported in the one error envelope.

For endpoints that take thousands of items (health sync), DRF serializers are too slow; these
views parse ``request.body`` once with a pydantic model instead. Errors keep the envelope's
shape: ``attr`` is the dotted path of the offending item (``quantity_samples.12.start``).
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from rest_framework.exceptions import ErrorDetail, ParseError, UnsupportedMediaType, ValidationError
from rest_framework.request import Request

Model = TypeVar("Model", bound=BaseModel)
MAX_REPORTED_ERRORS = 50


def bulk_body_parse(request: Request, model: type[Model]) -> Model:
    content_type = request.content_type.split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType(content_type or "none")
    raw = request.body
    if not raw:
        raise ParseError("The request body is empty; send a JSON object.")
    try:
        return model.model_validate_json(raw)
    except PydanticValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        if any(error["type"] == "json_invalid" for error in errors):
            raise ParseError(f"JSON parse error - {errors[0]['msg']}") from None
        details: dict[str, list[ErrorDetail]] = {}
        for error in errors[:MAX_REPORTED_ERRORS]:
            attr = ".".join(str(part) for part in error["loc"]) or "non_field_errors"
            details.setdefault(attr, []).append(ErrorDetail(error["msg"], code=error["type"]))
        raise ValidationError(details) from None


class ItemErrors:
    """Collects problems found item by item in a bulk body, keyed by dotted path
    (``records.3.unit``), and raises them all at once as one validation error."""

    def __init__(self, limit: int = MAX_REPORTED_ERRORS) -> None:
        self.items: dict[str, list[str]] = {}
        self.limit = limit

    def add(self, attr: str, message: str) -> None:
        if len(self.items) < self.limit:
            self.items.setdefault(attr, []).append(message)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)
