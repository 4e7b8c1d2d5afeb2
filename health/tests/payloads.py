"""HealthKit-shaped payloads as the iOS app sends them."""

import uuid
from datetime import UTC, datetime, timedelta

WATCH = {
    "source": {"bundle_id": "com.apple.health.4F1A", "name": "Alice's Apple Watch"},
    "device": {"name": "Apple Watch", "model": "Watch", "manufacturer": "Apple Inc."},
}
PHONE = {
    "source": {"bundle_id": "com.apple.health.9C2B", "name": "Alice's iPhone"},
    "device": {"name": "iPhone", "model": "iPhone", "manufacturer": "Apple Inc."},
}
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def iso(moment):
    return moment.isoformat()


def quantity(type_, value, unit, *, start=T0, seconds=0, origin=WATCH, sample_uuid=None):
    return {
        "uuid": str(sample_uuid or uuid.uuid4()),
        "type": type_,
        "value": value,
        "unit": unit,
        "start": iso(start),
        "end": iso(start + timedelta(seconds=seconds)),
        **origin,
    }


def heart_rates(count, *, start=T0, origin=WATCH):
    return [
        quantity(
            "HKQuantityTypeIdentifierHeartRate",
            60 + (i % 40),
            "count/min",
            start=start + timedelta(minutes=i),
            origin=origin,
        )
        for i in range(count)
    ]


def sleep(value, *, start, minutes, origin=WATCH):
    return {
        "uuid": str(uuid.uuid4()),
        "type": "HKCategoryTypeIdentifierSleepAnalysis",
        "value": value,
        "start": iso(start),
        "end": iso(start + timedelta(minutes=minutes)),
        **origin,
    }


def workout(*, start=T0, minutes=30, kcal=250, activity_type=37):
    return {
        "uuid": str(uuid.uuid4()),
        "activity_type": activity_type,
        "start": iso(start),
        "end": iso(start + timedelta(minutes=minutes)),
        "total_energy_burned": {"value": kcal, "unit": "kcal"},
        **WATCH,
    }


def batch(**parts):
    return {"anchor": parts.pop("anchor", "YW5jaG9yLTE="), "device_id": "iphone-1", **parts}
