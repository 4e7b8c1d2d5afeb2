"""Serializer building blocks shared by every app."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.settings import api_settings

UNKNOWN_FIELD = "unknown_field"


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not know (typos must not pass silently)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                names = ", ".join(unknown[:10])
                raise serializers.ValidationError(
                    {api_settings.NON_FIELD_ERRORS_KEY: [f"Unknown field(s): {names}."]},
                    code=UNKNOWN_FIELD,
                )
        return super().to_internal_value(data)
