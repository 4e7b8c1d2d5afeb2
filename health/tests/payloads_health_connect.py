"""Health Connect records as the Android app serializes them (snake_case Kotlin records)."""

import uuid
from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
FIT = "com.google.android.apps.fitness"
PIXEL_WATCH = {"manufacturer": "Google", "model": "Pixel Watch 2", "type": 1}
PIXEL_PHONE = {"manufacturer": "Google", "model": "Pixel 9", "type": 2}


def iso(moment):
    return moment.isoformat()


def metadata(*, record_id=None, origin=FIT, device=PIXEL_WATCH, modified=T0):
    body = {
        "id": record_id or str(uuid.uuid4()),
        "data_origin": origin,
        "last_modified_time": iso(modified),
    }
    if device is not None:
        body["device"] = device
    return body


def interval(record_type, *, start=T0, minutes=10, offset="+01:00", **fields):
    meta = fields.pop("metadata", None) or metadata(
        record_id=fields.pop("record_id", None), device=fields.pop("device", PIXEL_WATCH)
    )
    return {
        "record_type": record_type,
        "metadata": meta,
        "start_time": iso(start),
        "start_zone_offset": offset,
        "end_time": iso(start + timedelta(minutes=minutes)),
        "end_zone_offset": offset,
        **fields,
    }


def instant(record_type, *, time=T0, offset="+01:00", **fields):
    meta = fields.pop("metadata", None) or metadata(
        record_id=fields.pop("record_id", None), device=fields.pop("device", PIXEL_PHONE)
    )
    return {
        "record_type": record_type,
        "metadata": meta,
        "time": iso(time),
        "zone_offset": offset,
        **fields,
    }


def steps(count, **kwargs):
    return interval("Steps", count=count, **kwargs)


def heart_rate(bpms, *, start=T0, every_seconds=60, **kwargs):
    samples = [
        {"time": iso(start + timedelta(seconds=i * every_seconds)), "beats_per_minute": bpm}
        for i, bpm in enumerate(bpms)
    ]
    minutes = max(1, len(bpms) * every_seconds // 60)
    return interval("HeartRate", start=start, minutes=minutes, samples=samples, **kwargs)


def heart_rates(count, *, start=T0):
    """``count`` one-sample heart-rate records, a minute apart."""
    return [heart_rate([60 + i % 40], start=start + timedelta(minutes=i)) for i in range(count)]


def energy(value, unit="kilocalories", **kwargs):
    return interval("ActiveCaloriesBurned", energy={"value": value, "unit": unit}, **kwargs)


def distance(value, unit="meters", **kwargs):
    return interval("Distance", distance={"value": value, "unit": unit}, **kwargs)


def hydration(value, unit="milliliters", **kwargs):
    return interval("Hydration", volume={"value": value, "unit": unit}, **kwargs)


def weight(value, unit="kilograms", **kwargs):
    return instant("Weight", weight={"value": value, "unit": unit}, **kwargs)


def body_fat(percentage, **kwargs):
    return instant("BodyFat", percentage=percentage, **kwargs)


def oxygen(percentage, **kwargs):
    return instant("OxygenSaturation", percentage=percentage, **kwargs)


def resting_heart_rate(bpm, **kwargs):
    return instant("RestingHeartRate", beats_per_minute=bpm, **kwargs)


def hrv(millis, **kwargs):
    return instant("HeartRateVariabilityRmssd", heart_rate_variability_millis=millis, **kwargs)


def sleep(*, start, minutes, stages=(), **kwargs):
    """``stages``: (minutes from the session start, length in minutes, stage int)."""
    return interval(
        "SleepSession",
        start=start,
        minutes=minutes,
        stages=[
            {
                "start_time": iso(start + timedelta(minutes=offset)),
                "end_time": iso(start + timedelta(minutes=offset + length)),
                "stage": stage,
            }
            for offset, length, stage in stages
        ],
        **kwargs,
    )


def exercise(*, minutes=30, exercise_type=56, kcal=None, **kwargs):
    if kcal is not None:
        kwargs["total_energy_burned"] = {"value": kcal, "unit": "kilocalories"}
    return interval("ExerciseSession", minutes=minutes, exercise_type=exercise_type, **kwargs)


def batch(**parts):
    return {
        "device_id": "pixel-9",
        "changes_token": parts.pop("changes_token", "token-1"),
        **parts,
    }
