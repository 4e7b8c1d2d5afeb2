"""Serializers of the nutrition API: strict inputs, documented outputs (the hot paths render
plain dicts in the documented shape, checked against the schema by the tests)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.serializers import PageQuerySerializer, StrictInputSerializer
from nutrition.choices import Allergen, DietFlag, DietType, FoodSource
from nutrition.models import MAX_KCAL_PER_100G

SEARCH_MAX_LENGTH = 200


class JSONNumberField(serializers.FloatField):
    """A JSON number (not a string of one, not a boolean)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return float(super().to_internal_value(data))


class FoodListQuerySerializer(PageQuerySerializer):
    q = serializers.CharField(
        required=False,
        min_length=1,
        max_length=SEARCH_MAX_LENGTH,
        help_text="words in any order; the last may be a prefix; typos are forgiven",
    )
    category = serializers.CharField(
        required=False, max_length=120, help_text="exact category name, e.g. Vegetables"
    )


class NutrientsPer100gOutputSerializer(serializers.Serializer):
    energy_kcal = serializers.FloatField()
    protein_g = serializers.FloatField()
    carbs_g = serializers.FloatField(help_text="carbohydrate by difference (includes fibre)")
    fat_g = serializers.FloatField()
    fiber_g = serializers.FloatField(allow_null=True, help_text="null: not reported")
    sugar_g = serializers.FloatField(allow_null=True)
    sat_fat_g = serializers.FloatField(allow_null=True)
    sodium_mg = serializers.FloatField(allow_null=True)


class PortionOutputSerializer(serializers.Serializer):
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='household measure, e.g. "1 cup, chopped"'
    )
    grams = serializers.FloatField()


class FoodOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    category = serializers.CharField()
    source = serializers.ChoiceField(choices=FoodSource.choices)  # type: ignore[assignment]
    fdc_id = serializers.CharField(allow_null=True, help_text="USDA's food code (USDA foods)")
    is_own = serializers.BooleanField(help_text="one of the caller's custom foods")
    per_100g = NutrientsPer100gOutputSerializer()
    allergens = serializers.ListField(child=serializers.ChoiceField(choices=Allergen.choices))
    diet_flags = serializers.ListField(child=serializers.ChoiceField(choices=DietFlag.choices))
    portions = PortionOutputSerializer(many=True)


class FoodSearchItemOutputSerializer(FoodOutputSerializer):
    score = serializers.FloatField(
        allow_null=True, help_text="relevance, higher first (null when browsing without q)"
    )


class FoodPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="matches, exact up to the cap")
    count_capped = serializers.BooleanField(
        help_text="true when count reached the cap (1,000 per source): there may be more; "
        "refine the query"
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FoodSearchItemOutputSerializer(many=True)


class PortionInputSerializer(StrictInputSerializer):
    label = serializers.CharField(min_length=1, max_length=200)  # type: ignore[assignment]
    grams = JSONNumberField(min_value=0.1, max_value=5000)


class PortionListField(serializers.ListField):
    """Portions, whose errors are reported on ``portions`` itself (the item and field in the
    message): the error envelope's ``attr`` names a documented field."""

    def run_child_validation(self, data: list[Any]) -> list[Any]:
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            details = exc.detail if isinstance(exc.detail, dict) else {}
            flat = []
            for index, errors in details.items():
                items = errors.items() if isinstance(errors, dict) else [("", errors)]
                for name, messages in items:
                    for error in messages if isinstance(messages, list) else [messages]:
                        where = f"Item {index}" + (f", {name}" if name else "")
                        flat.append(
                            serializers.ErrorDetail(
                                f"{where}: {error}", code=getattr(error, "code", "invalid")
                            )
                        )
            raise serializers.ValidationError(flat) from exc


def _grams(**kwargs: Any) -> JSONNumberField:
    return JSONNumberField(min_value=0, max_value=100, **kwargs)


class CustomFoodInputSerializer(StrictInputSerializer):
    name = serializers.CharField(min_length=1, max_length=200)
    category = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    energy_kcal = JSONNumberField(min_value=0, max_value=MAX_KCAL_PER_100G, help_text="per 100 g")
    protein_g = _grams(help_text="per 100 g")
    carbs_g = _grams(help_text="per 100 g, including fibre")
    fat_g = _grams(help_text="per 100 g")
    fiber_g = _grams(required=False, allow_null=True, default=None)
    sugar_g = _grams(required=False, allow_null=True, default=None)
    sat_fat_g = _grams(required=False, allow_null=True, default=None)
    sodium_mg = JSONNumberField(
        required=False, allow_null=True, default=None, min_value=0, max_value=40_000
    )
    portions = PortionListField(
        child=PortionInputSerializer(), required=False, default=list, max_length=20
    )


class TemplateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    diet = serializers.ChoiceField(choices=DietType.choices)
    calories_kcal = serializers.IntegerField()
    protein_g = serializers.IntegerField()
    carbs_g = serializers.IntegerField()
    fat_g = serializers.IntegerField()
    meals_per_day = serializers.IntegerField()
    max_prep_minutes = serializers.IntegerField(allow_null=True)
    cuisines = serializers.ListField(child=serializers.CharField())
