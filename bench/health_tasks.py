"""Django-side data for the health studies (bench/studies/health.py).

Called through ``python -m bench.django_tasks health-...`` (so after ``django.setup()`` and its
bench-database guard), never imported by the bench process itself. Everything is written with
the app's own code (``health_samples_upsert``, ``token_pair_issue``), as the app would.

* The ingestion study gets fresh users each run (``bench-ingest-<i>@example.com``, deleted
  and recreated, so each batch is a first sync) and, for the raw psycopg comparison, fresh
  heart-rate streams of another user (``bench-ingest-raw@example.com``).
* The metrics and storage studies share one year of data for ``bench-health-year@example.com``:
  a sample per minute of heart rate from a watch and hourly steps from a phone, calendar year
  2025 (fixed dates and deterministic ids, so a cached copy is recognised by its counts).
* The export import study imports an export.xml written by the test suite's streaming writer
  (``health.tests.exports.export_xml_write``, cached in bench/work/) into a fresh user
  (``bench-export@example.com``).
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

INGEST_PREFIX = "bench-ingest-"
RAW_EMAIL = "bench-ingest-raw@example.com"
YEAR_EMAIL = "bench-health-year@example.com"
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR_DAYS = 365
HEART_RATE_SAMPLES = YEAR_DAYS * 24 * 60  # 525,600
STEPS_SAMPLES = YEAR_DAYS * 24  # 8,760
CHUNK = 10_000  # rows per health_samples_upsert call, as one API batch
SEED = 20250101


def _delete_users(emails_like: str) -> dict[str, int]:
    """Delete the bench users whose email starts with ``emails_like`` and all their data."""
    from django.db import connection

    from accounts.models import User
    from health.models import Sample, Stream

    ids = list(User.objects.filter(email__startswith=emails_like).values_list("pk", flat=True))
    samples = 0
    if ids:
        with connection.cursor() as cursor:  # the bulk of it in one statement
            cursor.execute(
                f"DELETE FROM {Sample._meta.db_table} WHERE stream_id IN "
                f"(SELECT id FROM {Stream._meta.db_table} WHERE user_id = ANY(%s))",
                [ids],
            )
            samples = cursor.rowcount
        User.objects.filter(pk__in=ids).delete()
    return {"users": len(ids), "samples": samples}


def ingest_cleanup() -> dict[str, Any]:
    started = time.monotonic()
    deleted = _delete_users(INGEST_PREFIX)
    return {**deleted, "seconds": round(time.monotonic() - started, 2)}


def ingest_setup(batches: int) -> dict[str, Any]:
    """``batches`` fresh users with an access token each, and ``batches`` fresh heart-rate
    streams (one source each) of another user for the raw insert."""
    from accounts.models import User
    from accounts.services import token_pair_issue
    from health.catalog import Metric
    from health.models import Platform, Source, Stream

    started = time.monotonic()
    leftovers = _delete_users(INGEST_PREFIX)  # an interrupted run's, if any
    users = []
    for index in range(batches):
        user = User.objects.create(email=f"{INGEST_PREFIX}{index}@example.com", name="Bench")
        users.append({"email": user.email, "access": token_pair_issue(user=user).access})
    raw_user = User.objects.create(email=RAW_EMAIL, name="Bench")
    streams = []
    for index in range(batches):
        source = Source.objects.create(
            user=raw_user,
            platform=Platform.APPLE_HEALTH,
            app_id=f"com.example.bench.raw.{index}",
            app_name="Bench raw",
            device_name="Apple Watch",
            device_model="Watch",
        )
        streams.append(
            Stream.objects.create(user=raw_user, metric=int(Metric.HEART_RATE), source=source).pk
        )
    return {
        "users": users,
        "raw_streams": streams,
        "leftovers": leftovers,
        "seconds": round(time.monotonic() - started, 2),
    }


def _year_rows() -> tuple[list[Any], list[Any]]:
    """The year's rows, always the same: (heart rate per minute, steps per hour)."""
    from health.catalog import Metric
    from health.models import Platform
    from health.services import SampleRow, SourceKey

    watch = SourceKey(
        platform=Platform.APPLE_HEALTH,
        app_id="com.apple.health.BENCH-WATCH",
        app_name="Bench's Apple Watch",
        device_name="Apple Watch",
        device_model="Watch",
    )
    phone = SourceKey(
        platform=Platform.APPLE_HEALTH,
        app_id="com.apple.health.BENCH-PHONE",
        app_name="Bench's iPhone",
        device_name="iPhone",
        device_model="iPhone",
    )
    rng = random.Random(SEED)
    heart = []
    for minute in range(HEART_RATE_SAMPLES):
        hour = (minute // 60) % 24
        base = 56 if hour < 7 else 74 if hour < 18 else 66
        if hour == 18 and (minute // 1440) % 2 == 0:
            base = 135  # a workout every other evening
        heart.append(
            SampleRow(
                metric=Metric.HEART_RATE,
                source=watch,
                start=YEAR_START + timedelta(minutes=minute),
                duration_s=0,
                value=float(max(40, min(190, base + rng.randint(-8, 8)))),
                external_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            )
        )
    steps = []
    for hour_index in range(STEPS_SAMPLES):
        hour = hour_index % 24
        awake = 7 <= hour < 23
        steps.append(
            SampleRow(
                metric=Metric.STEPS,
                source=phone,
                start=YEAR_START + timedelta(hours=hour_index),
                duration_s=3600,
                value=float(rng.randint(100, 1500) if awake else rng.randint(0, 20)),
                external_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            )
        )
    return heart, steps


def _year_state(user: Any) -> dict[str, Any]:
    from django.db.models import Count

    from health.catalog import Metric
    from health.models import DailySummary, Sample, Stream

    streams = {
        Metric(stream.metric).api_name: stream.pk for stream in Stream.objects.filter(user=user)
    }
    samples = dict(
        Sample.objects.filter(stream__user=user)
        .values_list("stream__metric")
        .annotate(n=Count("*"))
        .values_list("stream__metric", "n")
    )
    days = dict(
        DailySummary.objects.filter(user=user)
        .values_list("metric")
        .annotate(n=Count("*"))
        .values_list("metric", "n")
    )
    complete = (
        set(streams) == {"heart_rate", "steps"}
        and samples.get(int(Metric.HEART_RATE)) == HEART_RATE_SAMPLES
        and samples.get(int(Metric.STEPS)) == STEPS_SAMPLES
        and days.get(int(Metric.HEART_RATE)) == YEAR_DAYS
        and days.get(int(Metric.STEPS)) == YEAR_DAYS
    )
    return {"streams": streams, "samples": sum(samples.values()), "complete": complete}


def year_ensure() -> dict[str, Any]:
    """The year of data for :data:`YEAR_EMAIL`, loaded through ``health_samples_upsert`` in
    10,000-row chunks unless it is already there (then nothing is written)."""
    from django.db import connection

    from accounts.models import User
    from health.models import DailySummary, Sample, Stream
    from health.services import health_samples_upsert

    user, _ = User.objects.get_or_create(email=YEAR_EMAIL, defaults={"name": "Bench"})
    state = _year_state(user)
    info = {
        "email": YEAR_EMAIL,
        "first_day": YEAR_START.date().isoformat(),
        "last_day": (YEAR_START + timedelta(days=YEAR_DAYS - 1)).date().isoformat(),
        "expected_samples": HEART_RATE_SAMPLES + STEPS_SAMPLES,
    }
    if state["complete"]:
        return {**info, **state, "loaded": False, "seconds": 0.0}

    started = time.monotonic()
    # Partial (an interrupted load) or from another version of this helper: start over.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Sample._meta.db_table} WHERE stream_id IN "
            f"(SELECT id FROM {Stream._meta.db_table} WHERE user_id = %s)",
            [user.pk],
        )
    DailySummary.objects.filter(user=user).delete()
    heart, steps = _year_rows()
    generated = time.monotonic() - started
    inserted = 0
    for rows in (heart, steps):
        for first in range(0, len(rows), CHUNK):
            inserted += health_samples_upsert(user=user, rows=rows[first : first + CHUNK]).inserted
    loaded = time.monotonic() - started - generated
    with connection.cursor() as cursor:  # a settled table: visibility map and statistics
        cursor.execute(f"VACUUM (ANALYZE) {Sample._meta.db_table}")
        cursor.execute(f"ANALYZE {DailySummary._meta.db_table}")
    state = _year_state(user)
    return {
        **info,
        **state,
        "loaded": True,
        "inserted": inserted,
        "generate_seconds": round(generated, 2),
        "upsert_seconds": round(loaded, 2),
        "seconds": round(time.monotonic() - started, 2),
    }


# --- the Apple Health export import ---------------------------------------------------------

EXPORT_EMAIL = "bench-export@example.com"


def export_setup(out: Path, records: int) -> dict[str, Any]:
    """The export file (generated once by the test suite's streaming writer, then cached)
    and a fresh user to import it into."""
    from health.tests.exports import export_xml_write

    started = time.monotonic()
    generated = False
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        export_xml_write(tmp, records=records)
        tmp.replace(out)  # never a half-written file in the cache
        generated = True
    generate_seconds = time.monotonic() - started
    from accounts.models import User

    leftovers = _delete_users(EXPORT_EMAIL)
    User.objects.create(email=EXPORT_EMAIL, name="Bench")
    return {
        "email": EXPORT_EMAIL,
        "file": str(out),
        "bytes": out.stat().st_size,
        "generated": generated,
        "generate_seconds": round(generate_seconds, 2),
        "leftovers": leftovers,
    }


def export_cleanup() -> dict[str, Any]:
    started = time.monotonic()
    deleted = _delete_users(EXPORT_EMAIL)
    return {**deleted, "seconds": round(time.monotonic() - started, 2)}
