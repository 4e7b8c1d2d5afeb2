"""Serializers of the nutrition API: strict inputs, documented outputs (the hot paths render
plain dicts in the documented shape, checked against the schema by the tests)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.serializers import (
    FlatListField,
    NullableNestedOutputSerializer,
    PageQuerySerializer,
    StrictInputSerializer,
)
from nutrition.choices import (
    Allergen,
    Cuisine,
    DietFlag,
    DietTag,
    DietType,
    FoodSource,
    MealType,
)
from nutrition.models import MAX_KCAL_PER_100G, PlanEngine, PlanStatus

GENERATOR_ENGINES = [
    (PlanEngine.OPTIMISER.value, "Our optimiser (default; answers at once)"),
    (PlanEngine.OPENAI.value, "OpenAI (a Celery task; poll the plan)"),
]

SEARCH_MAX_LENGTH = 200


class JSONNumberField(serializers.FloatField):
    """A JSON number (not a string of one, not a boolean)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return float(super().to_internal_value(data))


MAX_OFFSET = 100_000


class FoodListQuerySerializer(PageQuerySerializer):
    offset = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)
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


class EngineOutputSerializer(serializers.Serializer):
    engine = serializers.ChoiceField(choices=GENERATOR_ENGINES)
    available = serializers.BooleanField(help_text="false: POST generate with it answers 400")
    reason = serializers.CharField(allow_null=True, help_text="why it is unavailable")
    completes = serializers.ChoiceField(
        choices=[
            ("at_once", "201 with the plan ready"),
            ("polled", "202 with the plan pending: poll it"),
        ]
    )
    default = serializers.BooleanField(help_text="the engine used when none is given")


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


# --- Meal plans -----------------------------------------------------------------------------


class MacrosOutputSerializer(serializers.Serializer):
    kcal = serializers.FloatField()
    protein_g = serializers.FloatField()
    carbs_g = serializers.FloatField()
    fat_g = serializers.FloatField()


class DeviationOutputSerializer(serializers.Serializer):
    kcal = serializers.FloatField(help_text="(total - target) / target; within ±0.05 is on target")
    protein_g = serializers.FloatField(help_text="within ±0.10 is on target")
    carbs_g = serializers.FloatField()
    fat_g = serializers.FloatField()


class MealItemOutputSerializer(serializers.Serializer):
    food_id = serializers.UUIDField()
    name = serializers.CharField()
    grams = serializers.FloatField()
    kcal = serializers.FloatField()
    protein_g = serializers.FloatField()
    carbs_g = serializers.FloatField()
    fat_g = serializers.FloatField()


class MealOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slot = serializers.IntegerField(help_text="0-based position in the day")
    mealtime = serializers.ChoiceField(choices=MealType.choices)
    recipe_id = serializers.UUIDField(allow_null=True, help_text="null for a free-form meal")
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    steps = serializers.ListField(child=serializers.CharField())
    servings = serializers.FloatField(help_text="servings of the recipe")
    prep_minutes = serializers.IntegerField(allow_null=True)
    items = MealItemOutputSerializer(many=True, help_text="ingredients for these servings")
    totals = MacrosOutputSerializer()


class PlanDayOutputSerializer(serializers.Serializer):
    day = serializers.IntegerField(help_text="1-based")
    date = serializers.DateField(allow_null=True)
    meals = MealOutputSerializer(many=True)
    totals = MacrosOutputSerializer()
    targets = MacrosOutputSerializer()
    deviation = DeviationOutputSerializer()


class MealPlanSummaryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    engine = serializers.ChoiceField(choices=PlanEngine.choices, help_text="what made the meals")
    requested_engine = serializers.ChoiceField(choices=PlanEngine.choices)
    fallback_reason = serializers.CharField(
        allow_blank=True, help_text="why our engine answered when OpenAI was asked"
    )
    start_date = serializers.DateField()
    days = serializers.IntegerField()
    meals_per_day = serializers.IntegerField()
    kcal = serializers.IntegerField(help_text="daily target")
    protein_g = serializers.IntegerField()
    carbs_g = serializers.IntegerField()
    fat_g = serializers.IntegerField()
    diet = serializers.ChoiceField(choices=DietType.choices)
    created_at = serializers.DateTimeField()


class MealPlanDetailOutputSerializer(MealPlanSummaryOutputSerializer):
    allergies = serializers.ListField(child=serializers.ChoiceField(choices=Allergen.choices))
    excluded_food_ids = serializers.ListField(child=serializers.UUIDField())
    cuisines = serializers.ListField(child=serializers.CharField())
    max_prep_minutes = serializers.IntegerField(allow_null=True)
    model = serializers.CharField(allow_blank=True, help_text="the OpenAI model, when used")
    attempts = serializers.IntegerField(help_text="OpenAI answers asked for")
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    total_tokens = serializers.IntegerField()
    notes = serializers.ListField(child=serializers.CharField())
    error_code = serializers.CharField(allow_blank=True, help_text="why a failed plan failed")
    error_message = serializers.CharField(allow_blank=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    plan_days = PlanDayOutputSerializer(many=True, help_text="the days, in order")


class MealPlanPageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MealPlanSummaryOutputSerializer(many=True)


class MealPlanListQuerySerializer(PageQuerySerializer):
    offset = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)
    status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)


class FlatItemsListField(PortionListField):
    """A list of objects whose item errors are reported on the list (see PortionListField)."""


class ManualMealItemInputSerializer(StrictInputSerializer):
    food_id = serializers.UUIDField()
    grams = JSONNumberField(min_value=0.1, max_value=5000)


class ManualMealInputSerializer(StrictInputSerializer):
    day = serializers.IntegerField(min_value=1, max_value=14)
    slot = serializers.IntegerField(min_value=0, max_value=5)
    mealtime = serializers.ChoiceField(choices=MealType.choices)
    recipe_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    servings = JSONNumberField(required=False, min_value=0.25, max_value=10, default=1.0)
    name = serializers.CharField(required=False, allow_blank=True, max_length=160, default="")
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    items = serializers.ListField(
        child=ManualMealItemInputSerializer(), required=False, default=list, max_length=40
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("recipe_id") and not (attrs.get("name") and attrs.get("items")):
            raise serializers.ValidationError(
                "A meal is a recipe_id, or a name with its items (foods and grams)."
            )
        return attrs


class TargetsInputMixin(serializers.Serializer):
    kcal = serializers.IntegerField(min_value=1000, max_value=6000, help_text="kcal a day")
    protein_g = serializers.IntegerField(min_value=0, max_value=500, help_text="g a day")
    carbs_g = serializers.IntegerField(min_value=0, max_value=1000)
    fat_g = serializers.IntegerField(min_value=0, max_value=400)


class ManualPlanInputSerializer(StrictInputSerializer, TargetsInputMixin):
    name = serializers.CharField(min_length=1, max_length=120)
    start_date = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=14)
    meals = FlatItemsListField(child=ManualMealInputSerializer(), min_length=1, max_length=84)


class MealPlanUpdateInputSerializer(StrictInputSerializer):
    name = serializers.CharField(required=False, min_length=1, max_length=120)
    days = serializers.IntegerField(required=False, min_value=1, max_value=14)
    meals = FlatItemsListField(
        child=ManualMealInputSerializer(),
        required=False,
        min_length=1,
        max_length=84,
        help_text="every meal of the plan, replacing the current ones",
    )
    start_date = serializers.DateField(required=False)
    kcal = serializers.IntegerField(required=False, min_value=1000, max_value=6000)
    protein_g = serializers.IntegerField(required=False, min_value=0, max_value=500)
    carbs_g = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    fat_g = serializers.IntegerField(required=False, min_value=0, max_value=400)


class MealPlanDeleteQuerySerializer(StrictInputSerializer):
    permanent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: delete the plan and its meals; false (default): cancel it (kept as "
        "history with status cancelled)",
    )


class MealPlanGenerateInputSerializer(StrictInputSerializer):
    days = serializers.IntegerField(min_value=1, max_value=14)
    meals_per_day = serializers.IntegerField(min_value=3, max_value=6, default=4)
    kcal = serializers.IntegerField(
        required=False, min_value=1000, max_value=6000, help_text="default: the profile's target"
    )
    protein_g = serializers.IntegerField(required=False, min_value=0, max_value=500)
    carbs_g = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    fat_g = serializers.IntegerField(required=False, min_value=0, max_value=400)
    diet = serializers.ChoiceField(
        choices=DietType.choices, required=False, help_text="default: the profile's"
    )
    allergies = FlatListField(
        child=serializers.ChoiceField(choices=Allergen.choices),
        required=False,
        max_length=9,
        help_text="default: the profile's",
    )
    excluded_foods = FlatListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=50,
        help_text="food ids; default: foods matching the profile's excluded foods",
    )
    cuisines = FlatListField(
        child=serializers.ChoiceField(choices=Cuisine.choices),
        required=False,
        max_length=15,
        help_text="any of these; default: the profile's liked cuisines (empty: any)",
    )
    max_prep_minutes = serializers.IntegerField(required=False, min_value=5, max_value=240)
    engine = serializers.ChoiceField(choices=GENERATOR_ENGINES, default="optimiser")
    start_date = serializers.DateField(required=False, help_text="default: today")
    name = serializers.CharField(required=False, min_length=1, max_length=120)


class ShoppingHouseholdOutputSerializer(NullableNestedOutputSerializer):
    count = serializers.FloatField(help_text="how many of the portion, in quarters")
    portion = serializers.CharField(help_text='e.g. "1 cup, chopped"')
    portion_grams = serializers.FloatField()


class ShoppingItemOutputSerializer(serializers.Serializer):
    food_id = serializers.UUIDField()
    name = serializers.CharField()
    grams = serializers.FloatField(help_text="summed over the plan's meals")
    household = ShoppingHouseholdOutputSerializer(
        allow_null=True, help_text="null when no household portion fits"
    )


class ShoppingGroupOutputSerializer(serializers.Serializer):
    category = serializers.CharField()
    items = ShoppingItemOutputSerializer(many=True)


class ShoppingListOutputSerializer(serializers.Serializer):
    plan_id = serializers.UUIDField()
    groups = ShoppingGroupOutputSerializer(many=True)


class PlanReworkInputSerializer(StrictInputSerializer):
    seed = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1_000_000,
        default=1,
        help_text="another value asks for another alternative (the body may be left out)",
    )


# --- Recipes --------------------------------------------------------------------------------


class RecipeListQuerySerializer(PageQuerySerializer):
    meal_type = serializers.ChoiceField(choices=MealType.choices, required=False)
    tag = FlatListField(
        child=serializers.ChoiceField(choices=DietTag.choices),
        required=False,
        max_length=len(DietTag.choices),
        help_text="repeat the parameter: recipes with every one of these tags",
    )
    allergen_free = FlatListField(
        child=serializers.ChoiceField(choices=Allergen.choices),
        required=False,
        max_length=len(Allergen.choices),
        help_text="repeat the parameter: recipes without any of these allergens",
    )
    cuisine = serializers.ChoiceField(choices=Cuisine.choices, required=False)
    max_prep_minutes = serializers.IntegerField(required=False, min_value=0, max_value=600)
    q = serializers.CharField(required=False, min_length=1, max_length=100, help_text="in titles")
    offset = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)


class RecipeNutrientsOutputSerializer(serializers.Serializer):
    energy_kcal = serializers.FloatField()
    protein_g = serializers.FloatField()
    carbs_g = serializers.FloatField()
    fat_g = serializers.FloatField()
    fiber_g = serializers.FloatField()
    sugar_g = serializers.FloatField()
    sat_fat_g = serializers.FloatField()
    sodium_mg = serializers.FloatField()


class RecipeListItemOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.CharField()
    title = serializers.CharField()
    meal_types = serializers.ListField(child=serializers.ChoiceField(choices=MealType.choices))
    cuisine = serializers.CharField()
    prep_minutes = serializers.IntegerField()
    servings = serializers.IntegerField()
    per_serving = RecipeNutrientsOutputSerializer(help_text="computed from the foods")
    serving_grams = serializers.FloatField()
    tags = serializers.ListField(child=serializers.ChoiceField(choices=DietTag.choices))
    allergens = serializers.ListField(child=serializers.ChoiceField(choices=Allergen.choices))


class RecipePageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RecipeListItemOutputSerializer(many=True)


class RecipeIngredientOutputSerializer(serializers.Serializer):
    food_id = serializers.UUIDField()
    name = serializers.CharField()
    grams = serializers.FloatField(help_text="for the whole recipe (all servings)")
    note = serializers.CharField(allow_blank=True)
    kcal = serializers.FloatField()
    protein_g = serializers.FloatField()
    carbs_g = serializers.FloatField()
    fat_g = serializers.FloatField()


class RecipeDetailOutputSerializer(RecipeListItemOutputSerializer):
    description = serializers.CharField(allow_blank=True)
    steps = serializers.ListField(child=serializers.CharField())
    ingredients = RecipeIngredientOutputSerializer(many=True)
