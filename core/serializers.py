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
