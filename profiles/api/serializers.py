from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from core.serializers import (
    FlatListField,
    JSONBooleanField,
    JSONStringField,
    MeasurementField,
    NullableNestedOutputSerializer,
    StrictInputSerializer,
)
from profiles.choices import (
    ActivityLevel,
    Allergen,
    Cuisine,
    DietType,
    Goal,
    Language,
    ProfileVisibility,
    Sex,
    UnitSystem,
    WeekStart,
)
from profiles.targets import REQUIRED_FIELDS
from profiles.validators import (
    CHOICE_LIST_MAX_ITEMS,
    EXCLUDED_FOOD_MAX_LENGTH,
    EXCLUDED_FOODS_MAX_ITEMS,
    HEIGHT_CM_MAX,
    HEIGHT_CM_MIN,
    TIME_ZONE_MAX_LENGTH,
    WEEKLY_PACE_KG_MAX,
    WEIGHT_KG_MAX,
    WEIGHT_KG_MIN,
    validate_date_of_birth,
    validate_time_zone,
)

# ---------------------------------------------------------------------------------------------
# Fields


class LanguageTagField(serializers.ChoiceField):
    """A supported BCP 47 tag; matched case-insensitively, ``_`` taken for ``-`` (``pt_br``
    is ``pt-BR``), answered in its canonical spelling."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            canonical = {tag.lower(): tag for tag in Language.values}
            data = canonical.get(data.replace("_", "-").lower(), data)
        return super().to_internal_value(data)


def _choice_list(choices: Any, help_text: str) -> FlatListField:
    return FlatListField(
        child=serializers.ChoiceField(choices=choices),
        max_length=CHOICE_LIST_MAX_ITEMS,
        required=False,
        help_text=help_text,
    )


def _weight(**kwargs: Any) -> MeasurementField:
    return MeasurementField(
        max_digits=5,
        decimal_places=2,
        min_value=WEIGHT_KG_MIN,
        max_value=WEIGHT_KG_MAX,
        allow_null=True,
        required=False,
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------
# Profile


class ProfileInputSerializer(StrictInputSerializer):
    """The profile, metric units only. PUT: omitted fields are reset to their defaults (null,
    ``sedentary``, ``maintain``, ``omnivore``, ``[]``). PATCH: only the fields sent change."""

    date_of_birth = serializers.DateField(
        allow_null=True,
        required=False,
        validators=[validate_date_of_birth],
        help_text="Not in the future; an age of 13 to 120 years.",
    )
    sex = serializers.ChoiceField(
        choices=Sex.choices,
        allow_null=True,
        required=False,
        help_text="`unspecified`: the BMR uses the average of the female and male formulas.",
    )
    height_cm = MeasurementField(
        max_digits=4,
        decimal_places=1,
        min_value=HEIGHT_CM_MIN,
        max_value=HEIGHT_CM_MAX,
        allow_null=True,
        required=False,
        help_text="Centimetres (50-272), rounded to 0.1.",
    )
    weight_kg = _weight(help_text="Current weight in kilograms (20-400), rounded to 0.01.")
    activity_level = serializers.ChoiceField(choices=ActivityLevel.choices, required=False)
    goal = serializers.ChoiceField(choices=Goal.choices, required=False)
    target_weight_kg = _weight(
        help_text="Kilograms: below the current weight to lose, above it to gain, null to maintain."
    )
    weekly_pace_kg = MeasurementField(
        max_digits=3,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=WEEKLY_PACE_KG_MAX,
        allow_null=True,
        required=False,
        help_text="Kilograms per week: 0.1-1.0 to lose, 0.1-0.5 to gain (required for both), "
        "null or 0 to maintain.",
    )
    diet_type = serializers.ChoiceField(choices=DietType.choices, required=False)
    allergies = _choice_list(Allergen.choices, "Allergens to avoid (duplicates are dropped).")
    excluded_foods = FlatListField(
        child=JSONStringField(max_length=EXCLUDED_FOOD_MAX_LENGTH),
        max_length=EXCLUDED_FOODS_MAX_ITEMS,
        required=False,
        help_text="Foods to leave out, free text (at most 30, 50 characters each; trimmed, "
        "duplicates dropped ignoring case).",
    )
    liked_cuisines = _choice_list(Cuisine.choices, "Cuisines the user likes.")


class NutritionTargetsOutputSerializer(NullableNestedOutputSerializer):
    bmr_kcal = serializers.IntegerField(help_text="Basal metabolic rate (Mifflin-St Jeor).")
    tdee_kcal = serializers.IntegerField(help_text="BMR x the activity factor.")
    calorie_target_kcal = serializers.IntegerField(
        help_text="Daily calories for the goal and pace, never below max(sex floor, BMR)."
    )
    protein_g = serializers.IntegerField()
    carbs_g = serializers.IntegerField()
    fat_g = serializers.IntegerField()
    floor_applied = serializers.BooleanField(
        help_text="True when the safe floor raised the calorie target."
    )


class ProfileImperialDisplayOutputSerializer(NullableNestedOutputSerializer):
    height = serializers.CharField(allow_null=True, help_text='Feet and inches, e.g. "5 ft 9 in".')
    height_in = serializers.FloatField(allow_null=True)
    weight_lb = serializers.FloatField(allow_null=True)
    target_weight_lb = serializers.FloatField(allow_null=True)


class ProfileOutputSerializer(serializers.Serializer):
    date_of_birth = serializers.DateField(source="profile.date_of_birth", allow_null=True)
    age_years = serializers.IntegerField(allow_null=True)
    sex = serializers.ChoiceField(source="profile.sex", choices=Sex.choices, allow_null=True)
    height_cm = serializers.FloatField(source="profile.height_cm", allow_null=True)
    weight_kg = serializers.FloatField(source="profile.weight_kg", allow_null=True)
    activity_level = serializers.ChoiceField(
        source="profile.activity_level", choices=ActivityLevel.choices
    )
    goal = serializers.ChoiceField(source="profile.goal", choices=Goal.choices)
    target_weight_kg = serializers.FloatField(source="profile.target_weight_kg", allow_null=True)
    weekly_pace_kg = serializers.FloatField(source="profile.weekly_pace_kg", allow_null=True)
    diet_type = serializers.ChoiceField(source="profile.diet_type", choices=DietType.choices)
    allergies = serializers.ListField(
        source="profile.allergies", child=serializers.ChoiceField(choices=Allergen.choices)
    )
    excluded_foods = serializers.ListField(
        source="profile.excluded_foods", child=serializers.CharField()
    )
    liked_cuisines = serializers.ListField(
        source="profile.liked_cuisines", child=serializers.ChoiceField(choices=Cuisine.choices)
    )
    targets = NutritionTargetsOutputSerializer(
        allow_null=True,
        help_text="Daily targets; null until date of birth, sex, height and weight are known.",
    )
    missing_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=[(name, name) for name in REQUIRED_FIELDS]),
        help_text="The fields the targets still need (empty once they are computed).",
    )
    unit_system = serializers.ChoiceField(
        choices=UnitSystem.choices, help_text="From the settings; presentation only."
    )
    display = ProfileImperialDisplayOutputSerializer(
        allow_null=True,
        help_text="The quantities in imperial units when the unit system is imperial, else null.",
    )
    updated_at = serializers.DateTimeField(
        source="profile.updated_at", allow_null=True, help_text="Null until first saved."
    )


# ---------------------------------------------------------------------------------------------
# Settings


class UserSettingsInputSerializer(StrictInputSerializer):
    """PUT: omitted settings are reset to their defaults. PATCH: only the settings sent change."""

    unit_system = serializers.ChoiceField(
        choices=UnitSystem.choices,
        required=False,
        help_text="Presentation only: the API stores and accepts metric units.",
    )
    time_zone = serializers.CharField(
        max_length=TIME_ZONE_MAX_LENGTH,
        required=False,
        validators=[validate_time_zone],
        help_text="An IANA time zone name, e.g. Europe/Paris. A user's day starts and ends "
        "in this zone.",
    )
    language = LanguageTagField(
        choices=Language.choices,
        required=False,
        help_text="A supported BCP 47 tag (case-insensitive on input).",
    )
    week_start = serializers.ChoiceField(choices=WeekStart.choices, required=False)
    share_activity_with_friends = JSONBooleanField(required=False)
    analytics_opt_in = JSONBooleanField(required=False)
    personalized_ads = JSONBooleanField(required=False)
    profile_visibility = serializers.ChoiceField(choices=ProfileVisibility.choices, required=False)


class UserSettingsOutputSerializer(serializers.Serializer):
    unit_system = serializers.ChoiceField(choices=UnitSystem.choices)
    time_zone = serializers.CharField()
    language = serializers.ChoiceField(choices=Language.choices)
    week_start = serializers.ChoiceField(choices=WeekStart.choices)
    share_activity_with_friends = serializers.BooleanField()
    analytics_opt_in = serializers.BooleanField()
    personalized_ads = serializers.BooleanField()
    profile_visibility = serializers.ChoiceField(choices=ProfileVisibility.choices)
    updated_at = serializers.DateTimeField(allow_null=True, help_text="Null until first saved.")
