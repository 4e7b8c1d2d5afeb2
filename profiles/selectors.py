"""Reads of the profiles app. Other apps import from here (and ``profiles.choices``) only.

A user without a profile or settings row reads as the defaults: reading never writes.

* ``nutrition_targets_for_user``: the daily energy and macro targets (meal-plan generator).
* ``dietary_preferences_for_user``: diet, allergies, excluded foods, cuisines.
* ``user_time_zone``: where the user's day starts and ends (health metrics).
* ``favorite_object_ids_for_user``: which objects of a kind the user has favourited.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from profiles.choices import UnitSystem
from profiles.models import Favorite, Profile, UserSettings
from profiles.targets import (
    NutritionTargets,
    age_in_years,
    missing_for_targets,
    nutrition_targets,
)
from profiles.units import ImperialDisplay, imperial_display

UTC = zoneinfo.ZoneInfo("UTC")


@dataclass(frozen=True)
class ProfileDetail:
    """What GET /api/users/profile shows: the stored profile and what follows from it."""

    profile: Profile
    unit_system: str
    age_years: int | None
    targets: NutritionTargets | None
    missing_fields: list[str]
    display: ImperialDisplay | None  # only for the imperial unit system


@dataclass(frozen=True)
class DietaryPreferences:
    diet_type: str
    allergies: tuple[str, ...]
    excluded_foods: tuple[str, ...]
    liked_cuisines: tuple[str, ...]


def _targets_and_missing(profile: Profile) -> tuple[NutritionTargets | None, list[str], int | None]:
    age = (
        age_in_years(born=profile.date_of_birth, on=timezone.localdate())
        if profile.date_of_birth
        else None
    )
    missing = missing_for_targets(
        date_of_birth=profile.date_of_birth,
        sex=profile.sex,
        height_cm=profile.height_cm,
        weight_kg=profile.weight_kg,
    )
    if missing or age is None:
        return None, missing, age
    assert profile.sex is not None
    assert profile.height_cm is not None
    assert profile.weight_kg is not None
    targets = nutrition_targets(
        sex=profile.sex,
        age_years=age,
        height_cm=profile.height_cm,
        weight_kg=profile.weight_kg,
        activity_level=profile.activity_level,
        goal=profile.goal,
        weekly_pace_kg=profile.weekly_pace_kg,
    )
    return targets, missing, age


def _user_with_rows(*, user: User) -> tuple[Profile | None, UserSettings | None]:
    """The user's profile and settings rows (either may not exist yet), in one query."""
    row = User.objects.select_related("profile", "settings").get(pk=user.pk)
    return getattr(row, "profile", None), getattr(row, "settings", None)


def profile_detail_for_user(*, user: User) -> ProfileDetail:
    """The caller's profile with its computed targets and unit display (one query)."""
    profile, settings = _user_with_rows(user=user)
    profile = profile or Profile(user_id=user.pk)
    unit_system = settings.unit_system if settings else UnitSystem.METRIC
    targets, missing, age = _targets_and_missing(profile)
    display = None
    if unit_system == UnitSystem.IMPERIAL:
        display = imperial_display(
            height_cm=profile.height_cm,
            weight_kg=profile.weight_kg,
            target_weight_kg=profile.target_weight_kg,
        )
    return ProfileDetail(
        profile=profile,
        unit_system=unit_system,
        age_years=age,
        targets=targets,
        missing_fields=missing,
        display=display,
    )


def settings_get_for_user(*, user: User) -> UserSettings:
    """The caller's settings; the defaults (unsaved) when never written."""
    return UserSettings.objects.filter(user=user).first() or UserSettings(user_id=user.pk)


def nutrition_targets_for_user(*, user: User) -> NutritionTargets | None:
    """Daily targets, or None while the profile lacks date of birth, sex, height or weight."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return None
    targets, _, _ = _targets_and_missing(profile)
    return targets


def dietary_preferences_for_user(*, user: User) -> DietaryPreferences:
    """What the user eats and avoids; defaults (omnivore, nothing excluded) when never set."""
    profile = (
        Profile.objects.filter(user=user)
        .only("user_id", "diet_type", "allergies", "excluded_foods", "liked_cuisines")
        .first()
    ) or Profile(user_id=user.pk)
    return DietaryPreferences(
        diet_type=profile.diet_type,
        allergies=tuple(profile.allergies),
        excluded_foods=tuple(profile.excluded_foods),
        liked_cuisines=tuple(profile.liked_cuisines),
    )


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    if not name:
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def user_time_zone(*, user: User) -> zoneinfo.ZoneInfo:
    """The user's time zone: where their day starts and ends. UTC when never set (or when
    the stored name vanished from the tz database)."""
    return _zone(UserSettings.objects.filter(user=user).values_list("time_zone", flat=True).first())


@dataclass(frozen=True)
class UserCalendar:
    time_zone: zoneinfo.ZoneInfo
    week_start: int  # 0 Monday ... 6 Sunday, as date.weekday()


def user_calendar(*, user: User) -> UserCalendar:
    """The user's time zone and first day of the week, in one query."""
    row = UserSettings.objects.filter(user=user).values_list("time_zone", "week_start").first()
    name, week_start = row if row else (None, "monday")
    return UserCalendar(time_zone=_zone(name), week_start=6 if week_start == "sunday" else 0)


def favorite_object_ids_for_user(*, user: User, kind: str, object_ids: Iterable[Any]) -> set[Any]:
    """Which of ``object_ids`` (of ``kind``) the user has favourited, in one query (none for
    no ids)."""
    ids = list(object_ids)
    if not ids:
        return set()
    return set(
        Favorite.objects.filter(user=user, kind=kind, object_id__in=ids).values_list(
            "object_id", flat=True
        )
    )


def favorites_for_user(*, user: User) -> QuerySet[Favorite]:
    """The user's favourites, newest first."""
    return Favorite.objects.filter(user=user).order_by("-created_at", "id")


def favorite_get_for_user(*, user: User, favorite_id: Any) -> Favorite | None:
    """The user's own favourite by its id; None for anyone else's (the API answers 404)."""
    return Favorite.objects.filter(user=user, pk=favorite_id).first()
