"""drf-spectacular pieces of the profiles app (registered in ``ProfilesConfig.ready``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class NullableNestedSerializerExtension(OpenApiSerializerFieldExtension):
    """A nested object that may be null, documented as ``oneOf: [object, null]``.

    drf-spectacular writes ``allOf: [object], nullable: true``, which OpenAPI 3.0 validators
    (openapi-core among them) read as "never null": ``nullable`` only applies to a ``type``
    in the same schema object.
    """

    target_class = "profiles.api.serializers.NullableNestedOutputSerializer"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        component = auto_schema.resolve_serializer(self.target, direction)
        if not self.target.allow_null:
            return component.ref
        return {"oneOf": [component.ref, {"enum": [None]}]}
