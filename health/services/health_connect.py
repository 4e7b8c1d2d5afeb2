"""Health Connect batches -> canonical sample rows.

The Android app reads Health Connect's changes (``getChanges`` from a changes token) and posts
the records and the ids of deleted records. Google Fit's REST API is shut down; there is no
server-side pull: everything arrives from the phone.

How records map onto samples: a sample's idempotency key is (stream, start, hash of the
provider id). Every sample of a record carries the hash of the record's ``metadata.id`` —
a heart-rate series becomes one sample per measurement, a sleep session one per stage, all
under the record's id at distinct start times — so deleting a record id removes all of them.

Health Connect records can be updated in place (same id, newer ``last_modified_time``). We keep
no per-record version: each record in a batch is the current state of that id, and replaces
whatever is stored under it (``health_samples_upsert(replace_external_ids=...)``), so a retried
batch changes nothing and an updated one leaves no stale samples behind.

Unknown record types are counted and reported, not fatal; anything malformed refuses the whole
batch, every problem named by its path (``records.3.energy.unit``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

from django.db import transaction

from accounts.models import User
from core.bulk import ItemErrors
from health.catalog import (
    BY_HEALTH_CONNECT,
    HEALTH_CONNECT_SLEEP_STAGES,
    SLEEP_STAGES,
    SPECS,
    Metric,
    UnitError,
    in_range,
    to_canonical,
)
from health.models import Platform
from health.schemas import datetime_is_plausible
from health.schemas_health_connect import (
    HealthConnectActiveCaloriesBurnedRecord,
    HealthConnectBodyFatRecord,
    HealthConnectDistanceRecord,
    HealthConnectEnergy,
    HealthConnectExerciseSessionRecord,
    HealthConnectHeartRateRecord,
    HealthConnectHeartRateVariabilityRmssdRecord,
    HealthConnectHydrationRecord,
    HealthConnectLength,
    HealthConnectMass,
    HealthConnectMetadata,
    HealthConnectOtherRecord,
    HealthConnectOxygenSaturationRecord,
    HealthConnectRestingHeartRateRecord,
    HealthConnectSleepSessionRecord,
    HealthConnectStepsRecord,
    HealthConnectSyncInput,
    HealthConnectVolume,
    HealthConnectWeightRecord,
)
from health.services.anchors import sync_anchor_keep
from health.services.samples import SampleRow, SourceKey, UpsertResult, health_samples_upsert

# Health Connect unit names -> (catalog unit, factor). Health Connect's "calories" are small
# calories; the catalog's user-facing units deliberately have no "cal" (people mean kcal).
UNITS: dict[str, tuple[str, float]] = {
    "kilocalories": ("kcal", 1.0),
    "kilojoules": ("kJ", 1.0),
    "calories": ("kcal", 0.001),
    "joules": ("J", 1.0),
    "meters": ("m", 1.0),
    "kilometers": ("km", 1.0),
    "miles": ("mi", 1.0),
    "feet": ("ft", 1.0),
    "kilograms": ("kg", 1.0),
    "grams": ("g", 1.0),
    "pounds": ("lb", 1.0),
    "liters": ("L", 1.0),
    "milliliters": ("mL", 1.0),
    "fluid_ounces_us": ("fl_oz_us", 1.0),
}
# Device.TYPE_* -> a word for the source's device name (a "watch" ranks first among sources).
DEVICE_TYPES = {
    1: "watch",
    2: "phone",
    3: "scale",
    4: "ring",
    5: "head-mounted display",
    6: "fitness band",
    7: "chest strap",
    8: "smart display",
}
Quantity = HealthConnectEnergy | HealthConnectLength | HealthConnectMass | HealthConnectVolume
IntervalRecord = (
    HealthConnectStepsRecord
    | HealthConnectHeartRateRecord
    | HealthConnectActiveCaloriesBurnedRecord
    | HealthConnectDistanceRecord
    | HealthConnectHydrationRecord
    | HealthConnectSleepSessionRecord
    | HealthConnectExerciseSessionRecord
)
InstantaneousRecord = (
    HealthConnectRestingHeartRateRecord
    | HealthConnectHeartRateVariabilityRmssdRecord
    | HealthConnectWeightRecord
    | HealthConnectBodyFatRecord
    | HealthConnectOxygenSaturationRecord
)


@dataclass(frozen=True)
class HealthConnectSyncResult:
    result: UpsertResult
    unknown_types: dict[str, int]
    changes_token: str


def _source(metadata: HealthConnectMetadata) -> SourceKey:
    device = metadata.device
    kind = DEVICE_TYPES.get(device.type, "")
    return SourceKey(
        platform=Platform.HEALTH_CONNECT,
        app_id=metadata.data_origin,
        app_name=metadata.data_origin,
        device_name=" ".join(part for part in (device.manufacturer, kind) if part),
        device_model=device.model,
    )


def _zone(offset: str) -> timezone | None:
    if not offset:
        return None
    if offset == "Z":
        return UTC
    hours, minutes, seconds = (int(part) for part in (offset[1:] + ":00").split(":")[:3])
    delta = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return timezone(-delta if offset[0] == "-" else delta)


class _Record:
    """Reads one record into sample rows, naming problems by path."""

    def __init__(self, errors: ItemErrors, at: str) -> None:
        self.errors = errors
        self.at = at

    def instant(self, field: str, value: datetime, offset: str, offset_field: str) -> datetime:
        if value.tzinfo is None:
            zone = _zone(offset)
            if zone is None:
                self.errors.add(
                    f"{self.at}.{field}", f"The time has no offset and {offset_field} is not set."
                )
                return value.replace(tzinfo=UTC)
            value = value.replace(tzinfo=zone)
        if not datetime_is_plausible(value):
            self.errors.add(f"{self.at}.{field}", "The date is not plausible (years 2000-2100).")
        return value

    def interval(self, record: IntervalRecord) -> tuple[datetime, datetime]:
        start = self.instant(
            "start_time", record.start_time, record.start_zone_offset, "start_zone_offset"
        )
        end = self.instant("end_time", record.end_time, record.end_zone_offset, "end_zone_offset")
        if end < start:
            self.errors.add(f"{self.at}.end_time", "The end is before the start.")
        return start, end

    def value(self, field: str, metric: Metric, value: float, unit: str) -> float:
        try:
            canonical = to_canonical(metric, value, unit)
        except UnitError as exc:
            self.errors.add(f"{self.at}.{field}", str(exc))
            return 0.0
        if not in_range(metric, canonical):
            spec = SPECS[metric]
            self.errors.add(
                f"{self.at}.{field}",
                f"{canonical:g} {spec.unit} is outside {spec.minimum:g}-{spec.maximum:g} "
                f"for {metric.api_name}.",
            )
        return canonical

    def quantity(self, field: str, metric: Metric, quantity: Quantity) -> float:
        unit, factor = UNITS[quantity.unit]
        return self.value(f"{field}.value", metric, quantity.value * factor, unit)


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()))


def _interval_rows(read: _Record, record: IntervalRecord, metric: Metric) -> list[SampleRow]:
    source = _source(record.metadata)
    record_id = record.metadata.id
    start, end = read.interval(record)

    def one(value: float, *, kind: int = 0) -> list[SampleRow]:
        return [
            SampleRow(
                metric=metric,
                source=source,
                start=start,
                duration_s=_seconds(start, end),
                value=value,
                external_id=record_id,
                kind=kind,
            )
        ]

    match record:
        case HealthConnectStepsRecord():
            return one(read.value("count", metric, record.count, "count"))
        case HealthConnectActiveCaloriesBurnedRecord():
            return one(read.quantity("energy", metric, record.energy))
        case HealthConnectDistanceRecord():
            return one(read.quantity("distance", metric, record.distance))
        case HealthConnectHydrationRecord():
            return one(read.quantity("volume", metric, record.volume))
        case HealthConnectExerciseSessionRecord():
            energy = read.quantity("total_energy_burned", metric, record.total_energy_burned)
            return one(energy, kind=record.exercise_type)
        case HealthConnectHeartRateRecord():
            return _heart_rate_rows(read, record, metric, source)
        case HealthConnectSleepSessionRecord():
            if _seconds(start, end) > SPECS[metric].maximum:
                read.errors.add(
                    f"{read.at}.end_time", "A sleep session cannot last more than 24 hours."
                )
            if not record.stages:
                return one(float(_seconds(start, end)), kind=SLEEP_STAGES["asleep"])
            return _sleep_stage_rows(read, record, metric, source, (start, end))


def _heart_rate_rows(
    read: _Record, record: HealthConnectHeartRateRecord, metric: Metric, source: SourceKey
) -> list[SampleRow]:
    rows: list[SampleRow] = []
    times: set[datetime] = set()
    for index, sample in enumerate(record.samples):
        field = f"samples.{index}"
        time = read.instant(
            f"{field}.time", sample.time, record.start_zone_offset, "start_zone_offset"
        )
        if time in times:
            read.errors.add(f"{read.at}.{field}.time", "Two samples of the record share this time.")
        times.add(time)
        value = read.value(f"{field}.beats_per_minute", metric, sample.beats_per_minute, "bpm")
        rows.append(
            SampleRow(
                metric=metric,
                source=source,
                start=time,
                duration_s=0,
                value=value,
                external_id=record.metadata.id,
            )
        )
    return rows


def _sleep_stage_rows(
    read: _Record,
    record: HealthConnectSleepSessionRecord,
    metric: Metric,
    source: SourceKey,
    session: tuple[datetime, datetime],
) -> list[SampleRow]:
    """One sample per stage. As Health Connect requires, stages lie inside their session and
    do not overlap (overlaps would count sleep twice)."""
    stages = []
    for index, stage in enumerate(record.stages):
        field = f"stages.{index}"
        start = read.instant(
            f"{field}.start_time", stage.start_time, record.start_zone_offset, "start_zone_offset"
        )
        end = read.instant(
            f"{field}.end_time", stage.end_time, record.end_zone_offset, "end_zone_offset"
        )
        if end <= start:
            read.errors.add(f"{read.at}.{field}.end_time", "The stage must end after it starts.")
        elif start < session[0] or end > session[1]:
            read.errors.add(f"{read.at}.{field}", "The stage lies outside its session.")
        stages.append((start, end, index, stage.stage))
    stages.sort()
    for (_, previous_end, _, _), (start, _, index, _) in pairwise(stages):
        if start < previous_end:
            read.errors.add(f"{read.at}.stages.{index}", "The stage overlaps another stage.")
    return [
        SampleRow(
            metric=metric,
            source=source,
            start=start,
            duration_s=_seconds(start, end),
            value=float(_seconds(start, end)),
            kind=HEALTH_CONNECT_SLEEP_STAGES[stage],
            external_id=record.metadata.id,
        )
        for start, end, _, stage in stages
    ]


def _instantaneous_rows(
    read: _Record, record: InstantaneousRecord, metric: Metric
) -> list[SampleRow]:
    time = read.instant("time", record.time, record.zone_offset, "zone_offset")
    match record:
        case HealthConnectRestingHeartRateRecord():
            value = read.value("beats_per_minute", metric, record.beats_per_minute, "bpm")
        case HealthConnectHeartRateVariabilityRmssdRecord():
            value = read.value(
                "heart_rate_variability_millis", metric, record.heart_rate_variability_millis, "ms"
            )
        case HealthConnectWeightRecord():
            value = read.quantity("weight", metric, record.weight)
        case HealthConnectBodyFatRecord() | HealthConnectOxygenSaturationRecord():
            value = read.value("percentage", metric, record.percentage, "%")
    return [
        SampleRow(
            metric=metric,
            source=_source(record.metadata),
            start=time,
            duration_s=0,
            value=value,
            external_id=record.metadata.id,
        )
    ]


def _rows(
    batch: HealthConnectSyncInput, errors: ItemErrors, unknown: Counter[str]
) -> tuple[list[SampleRow], dict[str, Metric]]:
    """The batch's sample rows, and each stored record's id with its metric."""
    rows: list[SampleRow] = []
    records: dict[str, Metric] = {}
    seen: set[str] = set()
    for index, record in enumerate(batch.records):
        at = f"records.{index}"
        if isinstance(record, HealthConnectOtherRecord):
            unknown[record.record_type] += 1
            continue
        key = record.metadata.id.lower()
        if key in seen:
            errors.add(f"{at}.metadata.id", "This id appears twice in the batch.")
            continue
        seen.add(key)
        metric = BY_HEALTH_CONNECT[record.record_type]
        records[record.metadata.id] = metric
        read = _Record(errors, at)
        if isinstance(record, InstantaneousRecord):
            rows.extend(_instantaneous_rows(read, record, metric))
        else:
            rows.extend(_interval_rows(read, record, metric))
    return rows, records


def health_connect_batch_sync(
    *, user: User, batch: HealthConnectSyncInput
) -> HealthConnectSyncResult:
    """Validate a whole batch, then store it (or nothing) and remember the changes token.

    Every record replaces what is stored under its id; ``deleted_ids`` are removed after the
    records are written (an id both upserted and deleted in one batch ends up deleted).
    """
    errors = ItemErrors()
    unknown: Counter[str] = Counter()
    rows, records = _rows(batch, errors, unknown)
    errors.raise_if_any()
    with transaction.atomic():
        result = health_samples_upsert(
            user=user,
            rows=rows,
            replace_external_ids=records,
            deleted_external_ids=batch.deleted_ids,
        )
        token = sync_anchor_keep(
            user=user,
            platform=Platform.HEALTH_CONNECT,
            device_id=batch.device_id,
            anchor=batch.changes_token,
        )
    return HealthConnectSyncResult(result=result, unknown_types=dict(unknown), changes_token=token)
