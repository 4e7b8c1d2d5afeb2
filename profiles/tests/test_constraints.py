"""The database refuses what the API refuses, whoever writes (CHECK constraints)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from profiles.models import Profile, UserSettings
from profiles.tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"height_cm": Decimal("300.0")},
        {"height_cm": Decimal("49.9")},
        {"weight_kg": Decimal("2.00")},
        {"weight_kg": Decimal("400.01")},
        {"target_weight_kg": Decimal("19.99")},
        {"sex": "robot"},
        {"activity_level": "couch"},
        {"goal": "bulk"},
        {"diet_type": "carnivore"},
        {"allergies": ["milk", "gluten"]},
        {"liked_cuisines": ["martian"]},
        {"excluded_foods": ["x"] * 31},
        {"weekly_pace_kg": Decimal("0.25")},  # maintaining: no pace
        {"target_weight_kg": Decimal("75.00")},  # maintaining: no target
        {"goal": "lose"},  # without a pace
        {"goal": "lose", "weekly_pace_kg": Decimal("0.05")},
        {"goal": "gain", "weekly_pace_kg": Decimal("0.75")},
        {"goal": "lose", "weekly_pace_kg": Decimal("0.5"), "target_weight_kg": Decimal("85.00")},
        {"goal": "gain", "weekly_pace_kg": Decimal("0.5"), "target_weight_kg": Decimal("75.00")},
        {"date_of_birth": "1850-01-01"},
    ],
)
def test_the_database_refuses_an_inconsistent_profile(alice, changes):
    ProfileFactory(user=alice)  # 80 kg, maintaining

    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.filter(user=alice).update(**changes)


def test_the_database_accepts_a_consistent_goal(alice):
    ProfileFactory(user=alice)

    Profile.objects.filter(user=alice).update(
        goal="lose", weekly_pace_kg=Decimal("1.0"), target_weight_kg=Decimal("70.00")
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"unit_system": "furlongs"},
        {"language": "xx"},
        {"week_start": "friday"},
        {"profile_visibility": "everyone"},
        {"time_zone": ""},
    ],
)
def test_the_database_refuses_invalid_settings(alice, changes):
    UserSettings.objects.create(user=alice)

    with pytest.raises(IntegrityError), transaction.atomic():
        UserSettings.objects.filter(user=alice).update(**changes)


def test_rows_go_with_their_user(alice):
    ProfileFactory(user=alice)
    UserSettings.objects.create(user=alice)

    alice.delete()

    assert not Profile.objects.exists()
    assert not UserSettings.objects.exists()
