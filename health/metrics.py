"""Metrics: daily summaries folded into days, weeks or months, with trend and goal progress.

Pure functions over :class:`~health.models.DailySummary` rows; the selector that loads them is
``health.selectors.health_metrics_for_user``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from health.catalog import SPECS, Aggregation, Metric
from health.models import DailySummary, Goals

PERIODS = ("day", "week", "month")
MAX_BUCKETS = {"day": 366, "week": 104, "month": 36}
DEFAULT_BUCKETS = {"day": 7, "week": 8, "month": 6}


def bucket_start(day: date, period: str, week_start: int) -> date:
    """The first day of the bucket holding ``day`` (week_start: 0 Monday ... 6 Sunday)."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=(day.weekday() - week_start) % 7)
    return day.replace(day=1)


def next_bucket(start: date, period: str) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def buckets_between(first: date, last: date, period: str, week_start: int) -> list[date]:
    starts = []
    current = bucket_start(first, period, week_start)
    while current <= last:
        starts.append(current)
        current = next_bucket(current, period)
    return starts


@dataclass
class Fold:
    """Days folded into one bucket."""

    total: float = 0.0
    count: int = 0
    days: int = 0
    minimum: float | None = None
    maximum: float | None = None
    latest: float | None = None
    latest_day: date | None = None
    energy: float = 0.0
    values: list[float] = field(default_factory=list)

    def add(self, row: DailySummary) -> None:
        self.total += row.total
        self.count += row.count
        self.days += 1
        if row.minimum is not None:
            self.minimum = row.minimum if self.minimum is None else min(self.minimum, row.minimum)
        if row.maximum is not None:
            self.maximum = row.maximum if self.maximum is None else max(self.maximum, row.maximum)
        if row.latest is not None and (self.latest_day is None or row.day >= self.latest_day):
            self.latest, self.latest_day = row.latest, row.day
        if row.latest is not None:
            self.energy += row.latest
        self.values.append(row.total)

    def value(self, metric: Metric) -> float | None:
        aggregation = SPECS[metric].aggregation
        if not self.days:
            return None
        if aggregation == Aggregation.SUM:
            return self.total
        if aggregation == Aggregation.STATS:
            return self.total / self.count if self.count else None
        if aggregation == Aggregation.LATEST:
            return self.latest
        if metric is Metric.SLEEP:
            return self.total / self.days  # seconds asleep per night
        return self.total  # workouts: seconds of exercise


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def goal_for(metric: Metric, goals: Goals) -> float | None:
    return {
        Metric.STEPS: goals.daily_steps,
        Metric.ACTIVE_ENERGY: goals.daily_active_energy_kcal,
        Metric.SLEEP: goals.sleep_minutes * 60 if goals.sleep_minutes else None,
        Metric.WATER: goals.daily_water_ml,
        Metric.WEIGHT: float(goals.target_weight_kg) if goals.target_weight_kg else None,
    }.get(metric)


def metric_report(
    *,
    metric: Metric,
    rows: Iterable[DailySummary],
    first: date,
    last: date,
    period: str,
    week_start: int,
    goals: Goals,
) -> dict[str, Any]:
    """One metric over [first, last] in buckets, with the previous equal span as the trend."""
    span = (last - first).days + 1
    previous_first = first - timedelta(days=span)
    starts = buckets_between(first, last, period, week_start)
    folds = {start: Fold() for start in starts}
    current, previous = Fold(), Fold()
    for row in rows:
        if first <= row.day <= last:
            folds[bucket_start(row.day, period, week_start)].add(row)
            current.add(row)
        elif previous_first <= row.day < first:
            previous.add(row)

    spec = SPECS[metric]
    target = goal_for(metric, goals)
    buckets = []
    for start in starts:
        fold = folds[start]
        value = fold.value(metric)
        bucket: dict[str, Any] = {
            "start": start,
            "value": _round(value),
            "minimum": _round(fold.minimum),
            "maximum": _round(fold.maximum),
            "days_with_data": fold.days,
            "count": fold.count,
        }
        if metric is Metric.WORKOUT:
            bucket["energy_kcal"] = _round(fold.energy)
        buckets.append(bucket)

    now_value, before_value = current.value(metric), previous.value(metric)
    trend = None
    if now_value is not None and before_value:
        trend = round((now_value - before_value) / before_value * 100, 1)

    goal: dict[str, Any] = {
        "target": None,
        "days_met": None,
        "progress_percent": None,
        "remaining": None,
    }
    if target:
        if metric is Metric.WEIGHT:
            remaining = None if current.latest is None else round(current.latest - target, 1)
            goal = {
                "target": target,
                "days_met": None,
                "progress_percent": None,
                "remaining": remaining,
            }
        else:
            daily = list(current.values)
            met = sum(1 for value in daily if value >= target)
            average = sum(daily) / span if span else 0
            goal = {
                "target": target,
                "days_met": met,
                "progress_percent": round(min(average / target, 10) * 100, 1),
                "remaining": None,
            }
    return {
        "metric": metric.api_name,
        "unit": spec.unit,
        "aggregation": spec.aggregation,
        "value": _round(now_value),
        "previous_value": _round(before_value),
        "trend_percent": trend,
        "buckets": buckets,
        "goal": goal,
    }
