"""Demo health data for `make run`: two weeks of a watch and a phone for the demo user, so
GET /api/health/metrics has something to show. Added once; later runs leave it alone."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from accounts.models import User
from health.catalog import SLEEP_STAGES, Metric
from health.models import Goals, Platform, Sample
from health.services import SampleRow, SourceKey, health_goals_update, health_samples_upsert

DEMO_EMAIL = "user@fitcore.local"
DAYS = 14
WATCH = SourceKey(
    platform=Platform.APPLE_HEALTH,
    app_id="com.apple.health.demo-watch",
    app_name="Demo's Apple Watch",
    device_name="Apple Watch",
    device_model="Watch",
)
PHONE = SourceKey(
    platform=Platform.APPLE_HEALTH,
    app_id="com.apple.health.demo-phone",
    app_name="Demo's iPhone",
    device_name="iPhone",
    device_model="iPhone",
)


def _rows(today: datetime) -> list[SampleRow]:
    rng = random.Random(42)  # noqa: S311  (demo data, not security)
    rows: list[SampleRow] = []

    def add(
        metric: Metric,
        source: SourceKey,
        start: datetime,
        seconds: int,
        value: float,
        kind: int = 0,
    ) -> None:
        rows.append(
            SampleRow(
                metric=metric,
                source=source,
                start=start,
                duration_s=seconds,
                value=value,
                kind=kind,
                external_id=f"demo:{metric.api_name}:{source.app_id}:{start.isoformat()}",
            )
        )

    for day in range(DAYS, 0, -1):
        midnight = today - timedelta(days=day)
        for hour in range(7, 22):
            start = midnight + timedelta(hours=hour)
            walked = rng.randint(200, 1200)
            add(Metric.STEPS, WATCH, start, 3600, walked)
            add(Metric.STEPS, PHONE, start, 3600, walked * 0.9)  # the same walk, seen twice
            add(Metric.ACTIVE_ENERGY, WATCH, start, 3600, walked * 0.04)
            add(Metric.DISTANCE, WATCH, start, 3600, walked * 0.75)
            for minute in range(0, 60, 5):
                add(
                    Metric.HEART_RATE,
                    WATCH,
                    start + timedelta(minutes=minute),
                    0,
                    rng.randint(62, 118),
                )
        add(Metric.RESTING_HEART_RATE, WATCH, midnight + timedelta(hours=7), 0, rng.randint(54, 62))
        add(Metric.WEIGHT, PHONE, midnight + timedelta(hours=7), 0, 72.0 - day * 0.05)
        add(Metric.WATER, PHONE, midnight + timedelta(hours=12), 0, rng.randint(1200, 2400))
        bed = midnight - timedelta(hours=1)
        for offset, minutes, stage in (
            (0, 100, "core"),
            (100, 80, "deep"),
            (180, 90, "rem"),
            (270, 15, "awake"),
            (285, 150, "core"),
        ):
            add(
                Metric.SLEEP,
                WATCH,
                bed + timedelta(minutes=offset),
                minutes * 60,
                minutes * 60.0,
                SLEEP_STAGES[stage],
            )
    return rows


def seed(*, stdout: Any) -> None:
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None or Sample.objects.filter(stream__user=user).exists():
        return
    today = datetime.now(tz=UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    result = health_samples_upsert(user=user, rows=_rows(today))
    if not Goals.objects.filter(user=user).exists():
        health_goals_update(
            user=user,
            values={"daily_steps": 8000, "sleep_minutes": 450, "daily_water_ml": 2000},
        )
    stdout.write(f"  demo health data: {result.inserted} samples over {DAYS} days for {DEMO_EMAIL}")
