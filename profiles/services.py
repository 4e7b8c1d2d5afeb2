"""Writes of the profiles app: replace (PUT) or update (PATCH) the caller's profile and settings.

Each write runs in one transaction: the row is created on the first write (``INSERT ... ON
CONFLICT DO NOTHING``, so two first writes cannot collide), locked, changed, validated as a
whole (field ranges and the goal's consistency, ``Profile.clean``) and saved. A refused write
changes nothing, not even the creation of the row.

* *replace*: every editable field not given goes back to its default (null for body data,
  ``sedentary``/``maintain``/``omnivore``, empty lists; settings' documented defaults).
* *update*: only the given fields change; the result must still be consistent as a whole
  (e.g. switching the goal to ``maintain`` needs ``weekly_pace_kg`` cleared in the same call).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from accounts.models import User
from core.validation import django_error_details
from nutrition.selectors import meal_exists_for_user, recipe_is_active
from profiles import error_codes as profiles_error_codes
from profiles.choices import Allergen, Cuisine, FavoriteKind, Goal
from profiles.models import Favorite, Profile, UserSettings
from workouts.selectors import workout_is_published

PROFILE_FIELDS = (
    "date_of_birth",
    "sex",
    "height_cm",
    "weight_kg",
    "activity_level",
    "goal",
    "target_weight_kg",
    "weekly_pace_kg",
    "diet_type",
    "allergies",
    "excluded_foods",
    "liked_cuisines",
)
SETTINGS_FIELDS = (
    "unit_system",
    "time_zone",
    "language",
    "week_start",
    "share_activity_with_friends",
    "analytics_opt_in",
    "personalized_ads",
    "profile_visibility",
)

Row = TypeVar("Row", Profile, UserSettings)


def profile_replace(*, user: User, data: Mapping[str, Any]) -> Profile:
    """PUT: the profile becomes ``data``; editable fields not in it are reset to defaults."""
    return _profile_write(user=user, values=data, replace=True)


def profile_update(*, user: User, changes: Mapping[str, Any]) -> Profile:
    """PATCH: only the fields in ``changes`` change."""
    return _profile_write(user=user, values=changes, replace=False)


def settings_replace(*, user: User, data: Mapping[str, Any]) -> UserSettings:
    """PUT: the settings become ``data``; settings not in it are reset to defaults."""
    return _settings_write(user=user, values=data, replace=True)


def settings_update(*, user: User, changes: Mapping[str, Any]) -> UserSettings:
    """PATCH: only the settings in ``changes`` change."""
    return _settings_write(user=user, values=changes, replace=False)


def _profile_write(*, user: User, values: Mapping[str, Any], replace: bool) -> Profile:
    with transaction.atomic():
        profile = _locked_row(Profile, user=user)
        _assign(profile, PROFILE_FIELDS, values, replace=replace)
        _profile_normalize(profile)
        _validate(profile)
        profile.save()
    return profile


def _settings_write(*, user: User, values: Mapping[str, Any], replace: bool) -> UserSettings:
    with transaction.atomic():
        settings = _locked_row(UserSettings, user=user)
        _assign(settings, SETTINGS_FIELDS, values, replace=replace)
        _validate(settings)
        settings.save()
    return settings


def _locked_row(model: type[Row], *, user: User) -> Row:
    """The user's row, created with defaults if missing, locked until the transaction ends."""
    model.objects.bulk_create([model(user=user)], ignore_conflicts=True)
    return model.objects.select_for_update().get(user=user)


def _assign(
    row: models.Model, editable: Iterable[str], values: Mapping[str, Any], *, replace: bool
) -> None:
    unknown = set(values) - set(editable)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name in editable:
        if name in values:
            setattr(row, name, values[name])
        elif replace:
            field = row._meta.get_field(name)
            assert isinstance(field, models.Field)
            setattr(row, name, field.get_default())


def _profile_normalize(profile: Profile) -> None:
    """One spelling for one meaning: a pace of 0 to maintain is no pace; lists of choices are
    de-duplicated in the choices' order; excluded foods are trimmed and de-duplicated
    (case-insensitively, first spelling kept)."""
    if profile.goal == Goal.MAINTAIN and profile.weekly_pace_kg == 0:
        profile.weekly_pace_kg = None
    profile.allergies = [a for a in Allergen.values if a in set(profile.allergies)]
    profile.liked_cuisines = [c for c in Cuisine.values if c in set(profile.liked_cuisines)]
    seen: set[str] = set()
    foods = []
    for food in profile.excluded_foods:
        text = " ".join(str(food).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            foods.append(text)
    profile.excluded_foods = foods


def _validate(row: models.Model) -> None:
    """Field validators and ``clean()``; errors become the API's 400, per field, codes kept.
    (The user link is not re-checked, and the CHECK constraints are the database's job.)"""
    try:
        row.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): (
                    django_error_details(DjangoValidationError(errors))
                )
                for field, errors in exc.error_dict.items()
            }
        ) from exc


def favorite_add(*, user: User, kind: str, object_id: Any) -> tuple[Favorite, bool]:
    """Favourite an object (idempotent: the existing favourite when already there).

    The object must exist for the user to see: a published workout, an active recipe, a meal
    of one of the user's own plans. Answers the favourite and whether it was created now."""
    exists = {
        FavoriteKind.WORKOUT: lambda: workout_is_published(workout_id=object_id),
        FavoriteKind.RECIPE: lambda: recipe_is_active(recipe_id=object_id),
        FavoriteKind.MEAL: lambda: meal_exists_for_user(user=user, meal_id=object_id),
    }.get(FavoriteKind(kind))
    if exists is None or not exists():
        raise ValidationError(
            {"id": [f"No such {kind}."]}, code=profiles_error_codes.FAVORITE_TARGET_NOT_FOUND
        )
    with transaction.atomic():
        favorite, created = Favorite.objects.get_or_create(
            user=user, kind=kind, object_id=object_id
        )
    return favorite, created


def favorite_remove(*, favorite: Favorite) -> None:
    favorite.delete()
