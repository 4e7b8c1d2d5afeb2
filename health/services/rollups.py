"""Daily summaries: each metric's day for a user, in the user's time zone.

Every write recomputes the days it touched, so reading a year of metrics reads ~365 small rows
per metric instead of aggregating hundreds of thousands of samples.

Overlapping sources (phone and watch both count steps) must not double count. As Apple Health
does, each stretch of time is counted once, from the best source that has data for it: samples
are spread evenly over the minutes they cover, and in each minute only the highest-priority
stream counts. Priority: the stream's own ``priority`` when the user set one, else watch, then
phone, then other apps, then manual entries.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from accounts.models import User
from health.catalog import ASLEEP_STAGES, SPECS, Aggregation, Metric
from health.models import DailySummary, Sample
from health.priority import stream_ranks

MINUTE = 60


@dataclass(frozen=True)
class Touched:
    """A metric's samples changed between ``start`` and ``end`` (UTC)."""

    metric: Metric
    start: datetime
    end: datetime


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start, end


def _fetch(stream_ids: list[int], start: datetime, end: datetime) -> list[tuple]:
    table = Sample._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stream_id, start, duration_s, value, kind FROM {table} "  # noqa: S608
            "WHERE stream_id = ANY(%s) AND start >= %s AND start < %s",
            [stream_ids, start, end],
        )
        return cursor.fetchall()


def _summaries_sum(rows: list[tuple], ranks: dict, zone: ZoneInfo) -> dict[date, dict]:
    days: dict[date, dict] = defaultdict(lambda: {"total": 0.0, "count": 0})
    if len({row[0] for row in rows}) <= 1:
        for _stream, start, _duration, value, _kind in rows:
            day = days[_local_day(start, zone)]
            day["total"] += value
            day["count"] += 1
        return days
    # Several sources: spread each sample over its minutes; per minute the best stream counts.
    best: dict[int, tuple[tuple[int, int], float]] = {}
    for stream, start, duration, value, _kind in rows:
        rank = ranks.get(stream, (10_000, stream))
        first = math.floor(start.timestamp() / MINUTE)
        minutes = max(1, math.ceil(duration / MINUTE))
        share = value / minutes
        for minute in range(first, first + minutes):
            current = best.get(minute)
            if current is None or rank < current[0]:
                best[minute] = (rank, share)
            elif rank == current[0]:
                best[minute] = (rank, current[1] + share)
    for minute, (_rank, share) in best.items():
        moment = datetime.fromtimestamp(minute * MINUTE, tz=zone)
        day = days[moment.date()]
        day["total"] += share
        day["count"] += 1
    return days


STATS_SQL = """
    SELECT (start AT TIME ZONE %s)::date AS day, sum(value), count(*), min(value), max(value)
    FROM {table}
    WHERE stream_id = ANY(%s) AND start >= %s AND start < %s
    GROUP BY 1
"""


def _summaries_stats(
    stream_ids: list[int], start: datetime, end: datetime, zone: ZoneInfo
) -> dict[date, dict]:
    """min / sum / count / max per local day, aggregated by PostgreSQL (a day of per-minute
    heart rate is 1,440 rows; only the 1 summary row per day crosses the wire)."""
    with connection.cursor() as cursor:
        cursor.execute(
            STATS_SQL.format(table=Sample._meta.db_table), [zone.key, stream_ids, start, end]
        )
        return {
            day: {"total": total, "count": count, "minimum": low, "maximum": high}
            for day, total, count, low, high in cursor.fetchall()
        }


def _summaries_latest(rows: list[tuple], zone: ZoneInfo) -> dict[date, dict]:
    days: dict[date, dict] = {}
    for _stream, start, _duration, value, _kind in rows:
        key = _local_day(start, zone)
        day = days.get(key)
        if day is None or start >= day["latest_at"]:
            days[key] = {"total": value, "count": 1, "latest": value, "latest_at": start}
    return days


def _summaries_sleep(rows: list[tuple], ranks: dict, zone: ZoneInfo) -> dict[date, dict]:
    """Time asleep per night, counted on the day the night ends; one source per night."""
    per_night: dict[date, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for stream, start, duration, _value, kind in rows:
        if kind not in ASLEEP_STAGES:
            continue
        night = _local_day(start + timedelta(seconds=duration), zone)
        per_night[night][stream] += duration
    days: dict[date, dict] = {}
    for night, streams in per_night.items():
        stream = min(streams, key=lambda s: ranks.get(s, (10_000, s)))
        days[night] = {"total": streams[stream], "count": 1}
    return days


def _summaries_workouts(rows: list[tuple], zone: ZoneInfo) -> dict[date, dict]:
    days: dict[date, dict] = {}
    for _stream, start, duration, value, _kind in rows:
        day = days.setdefault(_local_day(start, zone), {"total": 0.0, "count": 0, "latest": 0.0})
        day["total"] += duration
        day["count"] += 1
        day["latest"] += value  # energy burned in workouts that day
    return days


def health_days_recompute(
    *, user: User, metric: Metric, first: date, last: date, zone: ZoneInfo
) -> int:
    """Recompute ``metric``'s summaries for the local days ``first``..``last``."""
    ranks = stream_ranks(user=user, metric=metric)
    start, end = _day_bounds(first, last, zone)
    aggregation = SPECS[metric].aggregation
    # A night's sleep starts the evening before the day it is counted on.
    fetch_start = start - timedelta(days=1) if metric is Metric.SLEEP else start
    days: dict[date, dict]
    if aggregation == Aggregation.STATS:
        days = _summaries_stats(list(ranks), start, end, zone) if ranks else {}
    else:
        rows = _fetch(list(ranks), fetch_start, end) if ranks else []
        if aggregation == Aggregation.SUM:
            days = _summaries_sum(rows, ranks, zone)
        elif aggregation == Aggregation.LATEST:
            days = _summaries_latest(rows, zone)
        elif metric is Metric.SLEEP:
            days = _summaries_sleep(rows, ranks, zone)
        else:
            days = _summaries_workouts(rows, zone)
    days = {day: values for day, values in days.items() if first <= day <= last}
    with transaction.atomic():
        DailySummary.objects.filter(
            user=user, metric=int(metric), day__gte=first, day__lte=last
        ).delete()
        DailySummary.objects.bulk_create(
            [
                DailySummary(user=user, metric=int(metric), day=day, time_zone=zone.key, **values)
                for day, values in days.items()
            ]
        )
    return len(days)


def health_days_refresh(*, user: User, touched: Iterable[Touched], zone: ZoneInfo) -> None:
    """Recompute the days that writes touched, one pass per metric."""
    spans: dict[Metric, tuple[datetime, datetime]] = {}
    for item in touched:
        low, high = spans.get(item.metric, (item.start, item.end))
        spans[item.metric] = (min(low, item.start), max(high, item.end))
    for metric, (low, high) in spans.items():
        health_days_recompute(
            user=user,
            metric=metric,
            first=_local_day(low, zone),
            last=_local_day(high, zone),
            zone=zone,
        )


def health_summaries_rebuild(*, user: User, zone: ZoneInfo) -> None:
    """Recompute every day of every metric (after a time-zone change, or a priority change)."""
    for metric in Metric:
        bounds = (
            Sample.objects.filter(stream__user=user, stream__metric=int(metric))
            .order_by()
            .values_list("start", flat=True)
        )
        first = bounds.order_by("start").first()
        last = bounds.order_by("-start").first()
        DailySummary.objects.filter(user=user, metric=int(metric)).delete()
        if first is None or last is None:
            continue
        health_days_recompute(
            user=user,
            metric=metric,
            first=_local_day(first, zone),
            last=_local_day(last + timedelta(days=1), zone),
            zone=zone,
        )


def health_summaries_ensure_zone(*, user: User, zone: ZoneInfo) -> bool:
    """Rebuild the summaries if they were computed in another time zone (the user changed
    it); True when a rebuild ran."""
    if not DailySummary.objects.filter(user=user).exclude(time_zone=zone.key).exists():
        return False
    health_summaries_rebuild(user=user, zone=zone)
    return True
