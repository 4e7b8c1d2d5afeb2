"""The accepted ranges of profile and settings data, and their validators.

Shared by the models (admin forms, the services' full clean) and the API's input serializers,
so that a range is written down once. The database enforces the static ranges again with CHECK
constraints (see ``profiles.models``).
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from profiles import error_codes
from profiles.choices import Goal
from profiles.targets import age_in_years

HEIGHT_CM_MIN, HEIGHT_CM_MAX = Decimal(50), Decimal(272)
WEIGHT_KG_MIN, WEIGHT_KG_MAX = Decimal(20), Decimal(400)
AGE_MIN_YEARS, AGE_MAX_YEARS = 13, 120
# Weekly pace in kg/week, by goal (maintain takes none).
WEEKLY_PACE_KG: dict[str, tuple[Decimal, Decimal]] = {
    Goal.LOSE: (Decimal("0.1"), Decimal("1.0")),
    Goal.GAIN: (Decimal("0.1"), Decimal("0.5")),
}
WEEKLY_PACE_KG_MIN = min(low for low, _ in WEEKLY_PACE_KG.values())
WEEKLY_PACE_KG_MAX = max(high for _, high in WEEKLY_PACE_KG.values())
EXCLUDED_FOODS_MAX_ITEMS = 30
EXCLUDED_FOOD_MAX_LENGTH = 50
# Lists of fixed choices are de-duplicated; this only bounds what a request may send.
CHOICE_LIST_MAX_ITEMS = 20
TIME_ZONE_MAX_LENGTH = 64
# Names in the tz database that are not places a person lives in.
_NOT_USER_TIME_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def validate_date_of_birth(value: date) -> None:
    """Not in the future, and an age of 13 to 120 years today (UTC)."""
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            "The date of birth cannot be in the future.", code=error_codes.DATE_IN_FUTURE
        )
    if not AGE_MIN_YEARS <= age_in_years(born=value, on=today) <= AGE_MAX_YEARS:
        raise ValidationError(
            f"Age must be between {AGE_MIN_YEARS} and {AGE_MAX_YEARS} years.",
            code=error_codes.AGE_OUT_OF_RANGE,
        )


@functools.cache
def time_zone_names() -> frozenset[str]:
    """IANA time zone names of the tz database this process runs with (read once)."""
    return frozenset(zoneinfo.available_timezones()) - _NOT_USER_TIME_ZONES


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "Not a known IANA time zone name (e.g. Europe/Paris, America/New_York).",
            code=error_codes.UNKNOWN_TIME_ZONE,
        )
