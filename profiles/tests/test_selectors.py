"""What other apps read: targets, dietary preferences, the user's time zone."""

import zoneinfo
from decimal import Decimal

import pytest

from core.testing import QueryCounter
from profiles.models import Profile, UserSettings
from profiles.selectors import (
    DietaryPreferences,
    dietary_preferences_for_user,
    nutrition_targets_for_user,
    user_time_zone,
)
from profiles.targets import NutritionTargets
from profiles.tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_targets_are_none_without_a_profile_and_while_it_is_incomplete(alice):
    assert nutrition_targets_for_user(user=alice) is None

    Profile.objects.create(user=alice, sex="female", height_cm=Decimal(165))

    assert nutrition_targets_for_user(user=alice) is None


def test_targets_of_a_complete_profile_in_one_query(alice, bob):
    ProfileFactory(user=alice)  # a man of 30, 180 cm, 80 kg, moderately active, maintaining
    ProfileFactory(user=bob, sex="female")

    with QueryCounter() as queries:
        targets = nutrition_targets_for_user(user=alice)

    assert targets == NutritionTargets(
        bmr_kcal=1780,
        tdee_kcal=2759,
        calorie_target_kcal=2759,
        protein_g=128,
        carbs_g=368,
        fat_g=86,
        floor_applied=False,
    )
    assert queries.count == 1


def test_dietary_preferences_default_to_an_omnivore_avoiding_nothing(alice):
    assert dietary_preferences_for_user(user=alice) == DietaryPreferences(
        diet_type="omnivore", allergies=(), excluded_foods=(), liked_cuisines=()
    )


def test_dietary_preferences_are_the_users_own(alice, bob):
    ProfileFactory(
        user=alice,
        diet_type="vegan",
        allergies=["peanuts", "sesame"],
        excluded_foods=["okra"],
        liked_cuisines=["thai"],
    )
    ProfileFactory(user=bob, diet_type="keto", allergies=["milk"])

    with QueryCounter() as queries:
        preferences = dietary_preferences_for_user(user=alice)

    assert preferences == DietaryPreferences(
        diet_type="vegan",
        allergies=("peanuts", "sesame"),
        excluded_foods=("okra",),
        liked_cuisines=("thai",),
    )
    assert queries.count == 1


def test_the_time_zone_is_utc_until_set(alice):
    with QueryCounter() as queries:
        zone = user_time_zone(user=alice)

    assert zone == zoneinfo.ZoneInfo("UTC")
    assert queries.count == 1


def test_the_time_zone_is_the_users_setting(alice, bob):
    UserSettings.objects.create(user=alice, time_zone="Pacific/Auckland")
    UserSettings.objects.create(user=bob, time_zone="America/Los_Angeles")

    assert user_time_zone(user=alice) == zoneinfo.ZoneInfo("Pacific/Auckland")
    assert user_time_zone(user=bob) == zoneinfo.ZoneInfo("America/Los_Angeles")


def test_a_stored_time_zone_that_left_the_tz_database_falls_back_to_utc(alice):
    UserSettings.objects.create(user=alice)
    UserSettings.objects.filter(user=alice).update(time_zone="Atlantis/Capital")

    assert user_time_zone(user=alice) == zoneinfo.ZoneInfo("UTC")
