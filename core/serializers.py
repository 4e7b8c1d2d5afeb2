"""Serializer building blocks shared by every app."""

from __future__ import annotations

import contextlib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rest_framework import serializers
from rest_framework.settings import api_settings

UNKNOWN_FIELD = "unknown_field"


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that refuses what the schema does not allow: fields it does not
    know (typos must not pass silently) and numbers sent for text fields (DRF would coerce
    ``0`` to ``"0"``)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            wrong_type = {
                name: [serializers.ErrorDetail("Not a valid string.", code="invalid")]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and name in data
                and data[name] is not None
                and not isinstance(data[name], str)
            }
            if wrong_type:
                raise serializers.ValidationError(wrong_type)
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                names = ", ".join(unknown[:10])
                raise serializers.ValidationError(
                    {api_settings.NON_FIELD_ERRORS_KEY: [f"Unknown field(s): {names}."]},
                    code=UNKNOWN_FIELD,
                )
        return super().to_internal_value(data)


class PageQuerySerializer(StrictInputSerializer):
    """Query parameters of a limit/offset list: unknown parameters are refused, and so is a
    parameter sent empty (``?ordering=``), which is not read as left out."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "lists"):
            blank = {
                name: [serializers.ErrorDetail("May not be blank.", code="blank")]
                for name, values in data.lists()
                if name in self.fields and any(value == "" for value in values)
            }
            if blank:
                raise serializers.ValidationError(blank)
        return super().to_internal_value(data)

    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=100, help_text="page size (default 20)"
    )
    offset = serializers.IntegerField(required=False, min_value=0)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its UTC offset (a naive time is ambiguous: whose
    midnight?). Stored and answered in UTC."""

    default_error_messages = {
        "naive": "Include the UTC offset, e.g. 2026-11-20T08:00:00+01:00.",
    }

    def to_internal_value(self, value: Any) -> Any:
        from django.utils.dateparse import parse_datetime

        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


# DRF coerces what the schema does not allow ("170" for a number, 0 for a boolean, 5 for a
# string in a list); these fields take only the JSON type the schema documents.


class MeasurementField(serializers.DecimalField):
    """A metric quantity sent as a JSON number. Extra decimals are rounded (half up) to the
    stored precision instead of refused: an app converting from pounds sends 69.853 kg."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("coerce_to_string", False)
        kwargs.setdefault("rounding", ROUND_HALF_UP)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)

    def validate_precision(self, value: Decimal) -> Decimal:
        # Too many digits to round within max_digits: left as is, refused just below.
        with contextlib.suppress(InvalidOperation):
            value = self.quantize(value)
        return super().validate_precision(value)


class JSONBooleanField(serializers.BooleanField):
    """true or false, nothing else."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class JSONStringField(serializers.CharField):
    """A string, not a number turned into one."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class FlatListField(serializers.ListField):
    """A list whose item errors are reported on the list itself (``attr`` is ``allergies``,
    not ``allergies.2``), the item's position in the message."""

    def run_child_validation(self, data: list[Any]) -> list[Any]:
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            details = exc.detail if isinstance(exc.detail, dict) else {}
            raise serializers.ValidationError(
                [
                    serializers.ErrorDetail(f"Item {index}: {error}", code=error.code)
                    for index, errors in details.items()
                    for error in (errors if isinstance(errors, list) else [errors])
                    if isinstance(error, serializers.ErrorDetail)
                ]
            ) from exc


# Base of a nested output object that may be null (``Child(allow_null=True)``), documented as
# ``oneOf: [object, null]`` by ``core.openapi.NullableNestedSerializerExtension``. (A comment,
# not a docstring: drf-spectacular would show an inherited docstring on every subclass.)
class NullableNestedOutputSerializer(serializers.Serializer):
    pass
