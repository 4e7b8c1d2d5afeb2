"""A user's body data, goal and food preferences (Profile), and app settings (UserSettings).

Two tables on purpose: the profile is health data (what it holds is sensitive, what reads it is
the nutrition side), settings are presentation and privacy choices read on every day
computation. Both are one row per user, keyed by the user, created on the first write.

Storage is metric whatever the user's unit system: centimetres, kilograms. Ranges live in
``profiles.validators`` and again here as CHECK constraints.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from profiles import error_codes
from profiles.choices import (
    ActivityLevel,
    Allergen,
    Cuisine,
    DietType,
    FavoriteKind,
    Goal,
    Language,
    ProfileVisibility,
    Sex,
    UnitSystem,
    WeekStart,
)
from profiles.validators import (
    EXCLUDED_FOOD_MAX_LENGTH,
    EXCLUDED_FOODS_MAX_ITEMS,
    HEIGHT_CM_MAX,
    HEIGHT_CM_MIN,
    TIME_ZONE_MAX_LENGTH,
    WEEKLY_PACE_KG,
    WEEKLY_PACE_KG_MAX,
    WEEKLY_PACE_KG_MIN,
    WEIGHT_KG_MAX,
    WEIGHT_KG_MIN,
    validate_date_of_birth,
    validate_time_zone,
)

# A coarse floor the database can check (the 120-year rule moves with the calendar).
DATE_OF_BIRTH_MIN = datetime.date(1900, 1, 1)


def _weight_validators() -> list:
    return [MinValueValidator(WEIGHT_KG_MIN), MaxValueValidator(WEIGHT_KG_MAX)]


def _null_or(field: str, condition: Q) -> Q:
    return Q(**{f"{field}__isnull": True}) | condition


class Profile(models.Model):
    """Body data, fitness goal and dietary preferences. ``None`` means "not answered yet"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
    )
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_date_of_birth])
    # null, not "": "not answered" is not one of the choices, and the API says null.
    sex = models.CharField(max_length=16, choices=Sex.choices, null=True, blank=True)  # noqa: DJ001
    height_cm = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(HEIGHT_CM_MIN), MaxValueValidator(HEIGHT_CM_MAX)],
    )
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_weight_validators(),
        help_text="Current body weight.",
    )
    activity_level = models.CharField(
        max_length=16, choices=ActivityLevel.choices, default=ActivityLevel.SEDENTARY
    )
    goal = models.CharField(max_length=16, choices=Goal.choices, default=Goal.MAINTAIN)
    target_weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_weight_validators(),
        help_text="Below the current weight to lose, above it to gain; empty to maintain.",
    )
    weekly_pace_kg = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(WEEKLY_PACE_KG_MIN), MaxValueValidator(WEEKLY_PACE_KG_MAX)],
        help_text="kg per week: 0.1-1.0 to lose, 0.1-0.5 to gain, empty to maintain.",
    )
    diet_type = models.CharField(max_length=16, choices=DietType.choices, default=DietType.OMNIVORE)
    allergies = ArrayField(
        models.CharField(max_length=16, choices=Allergen.choices), default=list, blank=True
    )
    excluded_foods = ArrayField(
        models.CharField(max_length=EXCLUDED_FOOD_MAX_LENGTH),
        default=list,
        blank=True,
        size=EXCLUDED_FOODS_MAX_ITEMS,
    )
    liked_cuisines = ArrayField(
        models.CharField(max_length=16, choices=Cuisine.choices), default=list, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_null_or("sex", Q(sex__in=Sex.values)), name="profiles_profile_sex_valid"
            ),
            models.CheckConstraint(
                condition=Q(activity_level__in=ActivityLevel.values),
                name="profiles_profile_activity_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(goal__in=Goal.values), name="profiles_profile_goal_valid"
            ),
            models.CheckConstraint(
                condition=Q(diet_type__in=DietType.values),
                name="profiles_profile_diet_type_valid",
            ),
            models.CheckConstraint(
                condition=_null_or("date_of_birth", Q(date_of_birth__gte=DATE_OF_BIRTH_MIN)),
                name="profiles_profile_date_of_birth_range",
            ),
            models.CheckConstraint(
                condition=_null_or(
                    "height_cm", Q(height_cm__gte=HEIGHT_CM_MIN, height_cm__lte=HEIGHT_CM_MAX)
                ),
                name="profiles_profile_height_range",
            ),
            models.CheckConstraint(
                condition=_null_or(
                    "weight_kg", Q(weight_kg__gte=WEIGHT_KG_MIN, weight_kg__lte=WEIGHT_KG_MAX)
                ),
                name="profiles_profile_weight_range",
            ),
            models.CheckConstraint(
                condition=_null_or(
                    "target_weight_kg",
                    Q(target_weight_kg__gte=WEIGHT_KG_MIN, target_weight_kg__lte=WEIGHT_KG_MAX),
                ),
                name="profiles_profile_target_weight_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(goal=Goal.MAINTAIN, weekly_pace_kg__isnull=True)
                    | Q(
                        goal=Goal.LOSE,
                        weekly_pace_kg__isnull=False,
                        weekly_pace_kg__gte=WEEKLY_PACE_KG[Goal.LOSE][0],
                        weekly_pace_kg__lte=WEEKLY_PACE_KG[Goal.LOSE][1],
                    )
                    | Q(
                        goal=Goal.GAIN,
                        weekly_pace_kg__isnull=False,
                        weekly_pace_kg__gte=WEEKLY_PACE_KG[Goal.GAIN][0],
                        weekly_pace_kg__lte=WEEKLY_PACE_KG[Goal.GAIN][1],
                    )
                ),
                name="profiles_profile_weekly_pace_matches_goal",
            ),
            models.CheckConstraint(
                condition=(
                    Q(target_weight_kg__isnull=True)
                    | Q(goal=Goal.LOSE, weight_kg__isnull=True)
                    | Q(goal=Goal.GAIN, weight_kg__isnull=True)
                    | Q(goal=Goal.LOSE, target_weight_kg__lt=F("weight_kg"))
                    | Q(goal=Goal.GAIN, target_weight_kg__gt=F("weight_kg"))
                ),
                name="profiles_profile_target_weight_matches_goal",
            ),
            models.CheckConstraint(
                condition=Q(allergies__contained_by=Allergen.values),
                name="profiles_profile_allergies_valid",
            ),
            models.CheckConstraint(
                condition=Q(liked_cuisines__contained_by=Cuisine.values),
                name="profiles_profile_liked_cuisines_valid",
            ),
            models.CheckConstraint(
                condition=Q(excluded_foods__len__lte=EXCLUDED_FOODS_MAX_ITEMS),
                name="profiles_profile_excluded_foods_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"

    def clean(self) -> None:
        """The goal's consistency: a pace within the goal's range (none to maintain), and a
        target weight on the right side of the current one (none to maintain)."""
        errors: dict[str, ValidationError] = {}
        pace, target, weight = self.weekly_pace_kg, self.target_weight_kg, self.weight_kg
        if self.goal == Goal.MAINTAIN:
            if pace is not None:
                errors["weekly_pace_kg"] = ValidationError(
                    "Leave the weekly pace empty (or 0) to maintain weight.",
                    code=error_codes.NOT_ALLOWED_FOR_GOAL,
                )
            if target is not None:
                errors["target_weight_kg"] = ValidationError(
                    "Leave the target weight empty to maintain weight.",
                    code=error_codes.NOT_ALLOWED_FOR_GOAL,
                )
        elif self.goal in WEEKLY_PACE_KG:
            low, high = WEEKLY_PACE_KG[self.goal]
            if pace is None:
                errors["weekly_pace_kg"] = ValidationError(
                    f"A weekly pace is required to {self.goal} weight.",
                    code=error_codes.REQUIRED_FOR_GOAL,
                )
            elif not low <= pace <= high:
                errors["weekly_pace_kg"] = ValidationError(
                    f"To {self.goal} weight the weekly pace is {low}-{high} kg.",
                    code=error_codes.OUT_OF_RANGE_FOR_GOAL,
                )
            if target is not None and weight is not None:
                below = self.goal == Goal.LOSE
                if (below and target >= weight) or (not below and target <= weight):
                    side = "below" if below else "above"
                    errors["target_weight_kg"] = ValidationError(
                        f"To {self.goal} weight the target must be {side} the current weight "
                        f"({weight} kg).",
                        code=error_codes.INCONSISTENT_WITH_GOAL,
                    )
        if errors:
            raise ValidationError(errors)


class UserSettings(models.Model):
    """App settings. The time zone decides where the user's day starts and ends."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="settings",
    )
    unit_system = models.CharField(
        max_length=8, choices=UnitSystem.choices, default=UnitSystem.METRIC
    )
    time_zone = models.CharField(
        max_length=TIME_ZONE_MAX_LENGTH,
        default="UTC",
        validators=[validate_time_zone],
        help_text="IANA name, e.g. Europe/Paris.",
    )
    language = models.CharField(max_length=16, choices=Language.choices, default=Language.EN)
    week_start = models.CharField(max_length=8, choices=WeekStart.choices, default=WeekStart.MONDAY)
    share_activity_with_friends = models.BooleanField(default=False)
    analytics_opt_in = models.BooleanField(default=False)
    personalized_ads = models.BooleanField(default=False)
    profile_visibility = models.CharField(
        max_length=8, choices=ProfileVisibility.choices, default=ProfileVisibility.PRIVATE
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "user settings"
        verbose_name_plural = "user settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_system__in=UnitSystem.values),
                name="profiles_settings_unit_system_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="profiles_settings_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(week_start__in=WeekStart.values),
                name="profiles_settings_week_start_valid",
            ),
            models.CheckConstraint(
                condition=Q(profile_visibility__in=ProfileVisibility.values),
                name="profiles_settings_profile_visibility_valid",
            ),
            models.CheckConstraint(
                condition=~Q(time_zone=""), name="profiles_settings_time_zone_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"settings of user {self.user_id}"


class Favorite(models.Model):
    """Something the user keeps handy: a kind and the public id of the object of that kind.

    Generic on purpose (no foreign key): meals and recipes become further kinds without a
    table per kind. The owning app is asked whether an id exists when a favourite is added.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites"
    )
    kind = models.CharField(max_length=16, choices=FavoriteKind.choices)
    object_id = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = [models.Index(fields=["user", "-created_at"], name="profiles_favorite_user_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_id"], name="profiles_favorite_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FavoriteKind.values), name="profiles_favorite_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} of user {self.user_id}"
