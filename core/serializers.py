"""Serializer building blocks shared by every app."""

from __future__ import annotations

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
