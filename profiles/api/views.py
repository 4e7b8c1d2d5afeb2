"""Profile and settings endpoints: the caller's own, no id in the path (thin views)."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any, cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.openapi import validation_error_example
from profiles import error_codes, selectors, services
from profiles.targets import nutrition_targets
from profiles.units import imperial_display

from .serializers import (
    ProfileInputSerializer,
    ProfileOutputSerializer,
    UserSettingsInputSerializer,
    UserSettingsOutputSerializer,
)

TAGS = ["users"]
WRITES = ["put", "patch"]

PROFILE_RULES = (
    "Quantities are metric whatever the unit system (centimetres, kilograms); the unit system "
    "only adds `display`. `targets` follows from the profile: BMR (Mifflin-St Jeor; "
    "`unspecified` sex averages the female and male formulas), TDEE = BMR x activity factor, "
    "a calorie target of TDEE -/+ pace x 7700 / 7 kcal to lose/gain, never below max(1200 "
    "female / 1500 male / 1350 unspecified, BMR) (`floor_applied`), protein 1.6 g/kg (1.8 to "
    "gain, at most 2.2), fat 28 % of calories, carbohydrate the rest. It is null, with "
    "`missing_fields`, until date of birth, sex, height and weight are known."
)
PROFILE_WRITE_RULES = (
    "Out-of-range values answer 400 naming the field, and nothing is saved. The goal is "
    "checked on the whole resulting profile: to lose, `weekly_pace_kg` 0.1-1.0 and a "
    "`target_weight_kg` below `weight_kg`; to gain, 0.1-0.5 and a target above; to maintain, "
    "neither (a pace of 0 counts as none). "
)

# Examples computed with the real functions, so the documentation cannot drift from them.
_EXAMPLE_BODY: dict[str, Any] = {
    "date_of_birth": "1990-04-12",
    "sex": "female",
    "height_cm": 165.0,
    "weight_kg": 68.0,
    "activity_level": "light",
    "goal": "lose",
    "target_weight_kg": 62.0,
    "weekly_pace_kg": 0.25,
    "diet_type": "vegetarian",
    "allergies": ["peanuts"],
    "excluded_foods": ["mushrooms"],
    "liked_cuisines": ["indian", "italian"],
}
_EXAMPLE_TARGETS = asdict(
    nutrition_targets(
        sex="female",
        age_years=35,
        height_cm=Decimal("165.0"),
        weight_kg=Decimal("68.0"),
        activity_level="light",
        goal="lose",
        weekly_pace_kg=Decimal("0.25"),
    )
)
_EXAMPLE_PROFILE = {
    **_EXAMPLE_BODY,
    "age_years": 35,
    "targets": _EXAMPLE_TARGETS,
    "missing_fields": [],
    "unit_system": "metric",
    "display": None,
    "updated_at": "2025-06-01T09:30:00Z",
}
_EXAMPLE_IMPERIAL_DISPLAY = {
    key: float(value) if isinstance(value, Decimal) else value
    for key, value in asdict(
        imperial_display(
            height_cm=Decimal("165.0"),
            weight_kg=Decimal("68.0"),
            target_weight_kg=Decimal("62.0"),
        )
    ).items()
}
PROFILE_RESPONSE_EXAMPLES = [
    OpenApiExample("Complete profile (metric)", value=_EXAMPLE_PROFILE, response_only=True),
    OpenApiExample(
        "Complete profile (imperial user)",
        value={**_EXAMPLE_PROFILE, "unit_system": "imperial", "display": _EXAMPLE_IMPERIAL_DISPLAY},
        response_only=True,
    ),
    OpenApiExample(
        "Never filled in",
        value={
            "date_of_birth": None,
            "age_years": None,
            "sex": None,
            "height_cm": None,
            "weight_kg": None,
            "activity_level": "sedentary",
            "goal": "maintain",
            "target_weight_kg": None,
            "weekly_pace_kg": None,
            "diet_type": "omnivore",
            "allergies": [],
            "excluded_foods": [],
            "liked_cuisines": [],
            "targets": None,
            "missing_fields": ["date_of_birth", "sex", "height_cm", "weight_kg"],
            "unit_system": "metric",
            "display": None,
            "updated_at": None,
        },
        response_only=True,
    ),
]
PROFILE_ERROR_EXAMPLE = validation_error_example(
    "target_weight_kg",
    error_codes.INCONSISTENT_WITH_GOAL,
    "To lose weight the target must be below the current weight (68.00 kg).",
)
PROFILE_PUT_EXAMPLES = [
    OpenApiExample("Profile", value=_EXAMPLE_BODY, request_only=True),
    *PROFILE_RESPONSE_EXAMPLES[:2],
    PROFILE_ERROR_EXAMPLE,
]
PROFILE_PATCH_EXAMPLES = [
    OpenApiExample(
        "New weight and activity",
        value={"weight_kg": 67.4, "activity_level": "moderate"},
        request_only=True,
    ),
    OpenApiExample(
        "Switch to maintaining (clear the pace and target)",
        value={"goal": "maintain", "weekly_pace_kg": None, "target_weight_kg": None},
        request_only=True,
    ),
    *PROFILE_RESPONSE_EXAMPLES[:2],
    PROFILE_ERROR_EXAMPLE,
]

SETTINGS_EXAMPLE = {
    "unit_system": "imperial",
    "time_zone": "America/New_York",
    "language": "en",
    "week_start": "sunday",
    "share_activity_with_friends": True,
    "analytics_opt_in": False,
    "personalized_ads": False,
    "profile_visibility": "friends",
}
SETTINGS_RESPONSE_EXAMPLE = OpenApiExample(
    "Settings",
    value={**SETTINGS_EXAMPLE, "updated_at": "2025-06-01T09:30:00Z"},
    response_only=True,
)
SETTINGS_ERROR_EXAMPLE = validation_error_example(
    "time_zone",
    error_codes.UNKNOWN_TIME_ZONE,
    "Not a known IANA time zone name (e.g. Europe/Paris, America/New_York).",
)
SETTINGS_PUT_EXAMPLES = [
    OpenApiExample("Settings", value=SETTINGS_EXAMPLE, request_only=True),
    SETTINGS_RESPONSE_EXAMPLE,
    SETTINGS_ERROR_EXAMPLE,
]
SETTINGS_PATCH_EXAMPLES = [
    OpenApiExample("Change the time zone", value={"time_zone": "Europe/Paris"}, request_only=True),
    SETTINGS_RESPONSE_EXAMPLE,
    SETTINGS_ERROR_EXAMPLE,
]


def _profile_body(user: User) -> dict[str, Any]:
    return ProfileOutputSerializer(selectors.profile_detail_for_user(user=user)).data


@extend_validation_errors(
    [error_codes.DATE_IN_FUTURE, error_codes.AGE_OUT_OF_RANGE],
    field_name="date_of_birth",
    methods=WRITES,
)
@extend_validation_errors(
    [
        error_codes.REQUIRED_FOR_GOAL,
        error_codes.OUT_OF_RANGE_FOR_GOAL,
        error_codes.NOT_ALLOWED_FOR_GOAL,
    ],
    field_name="weekly_pace_kg",
    methods=WRITES,
)
@extend_validation_errors(
    [error_codes.INCONSISTENT_WITH_GOAL, error_codes.NOT_ALLOWED_FOR_GOAL],
    field_name="target_weight_kg",
    methods=WRITES,
)
@extend_validation_errors(["invalid_choice", "null"], field_name="allergies", methods=WRITES)
@extend_validation_errors(["invalid_choice", "null"], field_name="liked_cuisines", methods=WRITES)
@extend_validation_errors(
    ["blank", "invalid", "max_length", "null", "null_characters_not_allowed"],
    field_name="excluded_foods",
    methods=WRITES,
)
class ProfileView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Your profile, with daily nutrition targets",
        description="Never filled in: the defaults, with `targets` null. " + PROFILE_RULES,
        responses={200: ProfileOutputSerializer},
        examples=PROFILE_RESPONSE_EXAMPLES,
    )
    def get(self, request: Request) -> Response:
        return Response(_profile_body(cast(User, request.user)))

    @extend_schema(
        tags=TAGS,
        summary="Replace your profile",
        description="Every field is optional, and a field left out is reset: to null (date "
        "of birth, sex, height, weights, pace), to `sedentary`, `maintain`, `omnivore`, or to "
        "an empty list. Use PATCH to change some fields only. "
        + PROFILE_WRITE_RULES
        + PROFILE_RULES,
        request=ProfileInputSerializer,
        responses={200: ProfileOutputSerializer},
        examples=PROFILE_PUT_EXAMPLES,
    )
    def put(self, request: Request) -> Response:
        data = ProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.profile_replace(user=cast(User, request.user), data=data.validated_data)
        return Response(_profile_body(cast(User, request.user)))

    @extend_schema(
        tags=TAGS,
        summary="Change some fields of your profile",
        description="Only the fields sent change. " + PROFILE_WRITE_RULES + PROFILE_RULES,
        request=ProfileInputSerializer,
        responses={200: ProfileOutputSerializer},
        examples=PROFILE_PATCH_EXAMPLES,
    )
    def patch(self, request: Request) -> Response:
        data = ProfileInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.profile_update(user=cast(User, request.user), changes=data.validated_data)
        return Response(_profile_body(cast(User, request.user)))


SETTINGS_RULES = (
    "`time_zone` (an IANA name, default UTC) decides where the user's day starts and ends in "
    "every daily figure. `unit_system` only changes presentation: the API stores and accepts "
    "metric units. `week_start` is `monday` (the default, ISO 8601) or `sunday`. Privacy "
    "choices default to the most private: nothing shared, no analytics, no personalised ads, "
    "profile visible to the user only."
)


@extend_validation_errors([error_codes.UNKNOWN_TIME_ZONE], field_name="time_zone", methods=WRITES)
class UserSettingsView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Your app settings",
        description="Never changed: the defaults. " + SETTINGS_RULES,
        responses={200: UserSettingsOutputSerializer},
        examples=[SETTINGS_RESPONSE_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        settings = selectors.settings_get_for_user(user=cast(User, request.user))
        return Response(UserSettingsOutputSerializer(settings).data)

    @extend_schema(
        tags=TAGS,
        summary="Replace your settings",
        description="A setting left out is reset to its default. Use PATCH to change some "
        "settings only. " + SETTINGS_RULES,
        request=UserSettingsInputSerializer,
        responses={200: UserSettingsOutputSerializer},
        examples=SETTINGS_PUT_EXAMPLES,
    )
    def put(self, request: Request) -> Response:
        data = UserSettingsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings = services.settings_replace(
            user=cast(User, request.user), data=data.validated_data
        )
        return Response(UserSettingsOutputSerializer(settings).data)

    @extend_schema(
        tags=TAGS,
        summary="Change some of your settings",
        description="Only the settings sent change. " + SETTINGS_RULES,
        request=UserSettingsInputSerializer,
        responses={200: UserSettingsOutputSerializer},
        examples=SETTINGS_PATCH_EXAMPLES,
    )
    def patch(self, request: Request) -> Response:
        data = UserSettingsInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        settings = services.settings_update(
            user=cast(User, request.user), changes=data.validated_data
        )
        return Response(UserSettingsOutputSerializer(settings).data)
