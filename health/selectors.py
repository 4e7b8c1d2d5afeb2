"""Reads of the health app, always scoped to the caller."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from health.catalog import Metric
from health.models import Goals, Sample


def health_samples_for_user(
    *,
    user: User,
    metric: Metric | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Sample]:
    """The caller's samples, newest first, optionally one metric and a [start, end) range."""
    samples = Sample.objects.filter(stream__user=user).select_related("stream__source")
    if metric is not None:
        samples = samples.filter(stream__metric=int(metric))
    if start is not None:
        samples = samples.filter(start__gte=start)
    if end is not None:
        samples = samples.filter(start__lt=end)
    return samples


def health_goals_for_user(*, user: User) -> Goals:
    """The caller's goals (an unsaved empty row when none were set: a read writes nothing)."""
    return Goals.objects.filter(user=user).first() or Goals(user=user)
