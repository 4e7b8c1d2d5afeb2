from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from health.models import Goals

GOAL_FIELDS = (
    "daily_steps",
    "daily_active_energy_kcal",
    "sleep_minutes",
    "daily_water_ml",
    "target_weight_kg",
)


def health_goals_update(*, user: User, values: dict[str, Any]) -> Goals:
    """Replace the caller's goals (fields not given are cleared)."""
    with transaction.atomic():
        goals, _ = Goals.objects.select_for_update().get_or_create(user=user)
        for name in GOAL_FIELDS:
            setattr(goals, name, values.get(name))
        goals.updated_at = timezone.now()
        goals.save()
    return goals
