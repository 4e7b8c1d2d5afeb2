"""Reads of the health app, always scoped to the caller."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from health.catalog import Metric
from health.metrics import metric_report
from health.models import DailySummary, Goals, HealthImport, Sample, Stream
from health.priority import stream_rank


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


def health_metrics_for_user(
    *,
    user: User,
    metrics: list[Metric],
    period: str,
    first: date,
    last: date,
    week_start: int,
) -> list[dict[str, Any]]:
    """Each metric over the local days [first, last] in day/week/month buckets, with the
    previous span of the same length for the trend, and progress against the user's goals."""
    span = (last - first).days + 1
    rows = DailySummary.objects.filter(
        user=user,
        metric__in=[int(metric) for metric in metrics],
        day__gte=first - timedelta(days=span),
        day__lte=last,
    ).order_by("day")
    per_metric: dict[int, list[DailySummary]] = {int(metric): [] for metric in metrics}
    for row in rows:
        per_metric[row.metric].append(row)
    goals = health_goals_for_user(user=user)
    return [
        metric_report(
            metric=metric,
            rows=per_metric[int(metric)],
            first=first,
            last=last,
            period=period,
            week_start=week_start,
            goals=goals,
        )
        for metric in metrics
    ]


def health_sources_by_metric(*, user: User) -> list[dict[str, Any]]:
    """The caller's sources per metric, in the order that decides overlaps (first wins)."""
    streams = Stream.objects.filter(user=user).select_related("source").order_by("metric", "id")
    by_metric: dict[int, list[Stream]] = {}
    for stream in streams:
        by_metric.setdefault(stream.metric, []).append(stream)
    return [
        {
            "metric": Metric(metric).api_name,
            "sources": [
                {
                    "id": stream.source.public_id,
                    "platform": stream.source.platform,
                    "app_name": stream.source.app_name,
                    "device_name": stream.source.device_name,
                    "device_model": stream.source.device_model,
                    "custom_priority": stream.priority is not None,
                }
                for stream in sorted(members, key=stream_rank)
            ],
        }
        for metric, members in by_metric.items()
    ]


def health_import_get_for_user(*, user: User, import_id: UUID) -> HealthImport:
    """One of the caller's Apple Health export imports; anyone else's is a 404."""
    health_import = HealthImport.objects.filter(user=user, pk=import_id).first()
    if health_import is None:
        raise Http404
    return health_import


def health_import_progress(*, health_import: HealthImport) -> dict[str, int] | None:
    """The running import's latest progress (kept in the cache while its transaction is
    open), or None once it has ended or before a worker started it."""
    if health_import.status != HealthImport.Status.PROCESSING:
        return None
    progress: dict[str, int] | None = cache.get(health_import.progress_cache_key)
    return progress
