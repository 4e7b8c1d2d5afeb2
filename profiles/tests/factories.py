import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from profiles.models import Profile, UserSettings


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    """The date ``years`` years before today (UTC), minus ``days`` (29 February -> 28th)."""
    today = timezone.localdate()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:
        then = today.replace(year=today.year - years, day=28)
    return then - datetime.timedelta(days=days)


class ProfileFactory(factory.django.DjangoModelFactory):
    """A complete profile: a man of 30, 180 cm, 80 kg, moderately active, maintaining."""

    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    date_of_birth = factory.LazyFunction(lambda: years_ago(30))
    sex = "male"
    height_cm = Decimal("180.0")
    weight_kg = Decimal("80.00")
    activity_level = "moderate"
    goal = "maintain"


class UserSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserSettings

    user = factory.SubFactory(UserFactory)
