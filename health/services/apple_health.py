"""Apple Health (HealthKit) batches -> canonical sample rows.

The iOS app runs anchored queries and posts what they return: quantity samples, sleep
analysis category samples, workouts, and the uuids HealthKit reports deleted. Unknown type
identifiers are counted and reported, not fatal; anything malformed refuses the whole batch.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from accounts.models import User
from core.bulk import ItemErrors
from health.catalog import (
    BY_HEALTHKIT,
    HEALTHKIT_SLEEP_VALUES,
    SPECS,
    Metric,
    UnitError,
    in_range,
    to_canonical,
)
from health.models import Platform
from health.schemas import (
    AppleHealthSyncInput,
    HealthKitDevice,
    HealthKitSource,
    datetime_is_plausible,
)
from health.services.anchors import sync_anchor_keep
from health.services.samples import SampleRow, SourceKey, UpsertResult, health_samples_upsert

# HealthKit writes fractions with the unit "%" (0.25 is 25 %); we store percentages.
HEALTHKIT_FRACTION_METRICS = {Metric.BODY_FAT, Metric.BLOOD_OXYGEN}


@dataclass(frozen=True)
class AppleHealthSyncResult:
    result: UpsertResult
    unknown_types: dict[str, int]
    anchor: str


def _source(source: HealthKitSource, device: HealthKitDevice) -> SourceKey:
    return SourceKey(
        platform=Platform.APPLE_HEALTH,
        app_id=source.bundle_id,
        app_name=source.name,
        device_name=device.name,
        device_model=device.model,
    )


def _check_times(errors: ItemErrors, at: str, start: datetime, end: datetime) -> int:
    if not datetime_is_plausible(start):
        errors.add(f"{at}.start", "The date is not plausible (years 2000-2100).")
    if not datetime_is_plausible(end):
        errors.add(f"{at}.end", "The date is not plausible (years 2000-2100).")
    duration = (end - start).total_seconds()
    if duration < 0:
        errors.add(f"{at}.end", "The end is before the start.")
    return max(0, int(duration))


def _rows(
    batch: AppleHealthSyncInput, errors: ItemErrors, unknown: Counter[str]
) -> list[SampleRow]:
    rows: list[SampleRow] = []
    seen: set[Any] = set()

    def once(at: str, uuid: Any) -> bool:
        if uuid in seen:
            errors.add(f"{at}.uuid", "This uuid appears twice in the batch.")
            return False
        seen.add(uuid)
        return True

    for index, sample in enumerate(batch.quantity_samples):
        at = f"quantity_samples.{index}"
        metric = BY_HEALTHKIT.get(sample.type)
        if metric is None or metric in {Metric.SLEEP, Metric.WORKOUT}:
            unknown[sample.type] += 1
            continue
        if not once(at, sample.uuid):
            continue
        duration = _check_times(errors, at, sample.start, sample.end)
        unit = (
            "fraction"
            if metric in HEALTHKIT_FRACTION_METRICS and sample.unit == "%"
            else sample.unit
        )
        try:
            value = to_canonical(metric, sample.value, unit)
        except UnitError as exc:
            errors.add(f"{at}.unit", str(exc))
            continue
        if not in_range(metric, value):
            spec = SPECS[metric]
            errors.add(
                f"{at}.value",
                f"{value:g} {spec.unit} is outside {spec.minimum:g}-{spec.maximum:g} "
                f"for {metric.api_name}.",
            )
            continue
        rows.append(
            SampleRow(
                metric=metric,
                source=_source(sample.source, sample.device),
                start=sample.start,
                duration_s=duration,
                value=value,
                external_id=str(sample.uuid),
            )
        )

    for index, category in enumerate(batch.category_samples):
        at = f"category_samples.{index}"
        metric = BY_HEALTHKIT.get(category.type)
        if metric is not Metric.SLEEP:
            unknown[category.type] += 1
            continue
        if not once(at, category.uuid):
            continue
        duration = _check_times(errors, at, category.start, category.end)
        if duration > SPECS[Metric.SLEEP].maximum:
            errors.add(f"{at}.end", "A sleep sample cannot last more than 24 hours.")
        rows.append(
            SampleRow(
                metric=Metric.SLEEP,
                source=_source(category.source, category.device),
                start=category.start,
                duration_s=duration,
                value=float(duration),
                kind=HEALTHKIT_SLEEP_VALUES[category.value],
                external_id=str(category.uuid),
            )
        )

    for index, workout in enumerate(batch.workouts):
        at = f"workouts.{index}"
        if not once(at, workout.uuid):
            continue
        duration = _check_times(errors, at, workout.start, workout.end)
        try:
            energy = to_canonical(
                Metric.WORKOUT, workout.total_energy_burned.value, workout.total_energy_burned.unit
            )
        except UnitError as exc:
            errors.add(f"{at}.total_energy_burned.unit", str(exc))
            continue
        if not in_range(Metric.WORKOUT, energy):
            errors.add(f"{at}.total_energy_burned.value", "The energy is not plausible.")
            continue
        rows.append(
            SampleRow(
                metric=Metric.WORKOUT,
                source=_source(workout.source, workout.device),
                start=workout.start,
                duration_s=duration,
                value=energy,
                kind=workout.activity_type,
                external_id=str(workout.uuid),
            )
        )
    return rows


def apple_health_batch_sync(*, user: User, batch: AppleHealthSyncInput) -> AppleHealthSyncResult:
    """Validate a whole batch, then store it (or nothing) and remember the app's anchor."""
    errors = ItemErrors()
    unknown: Counter[str] = Counter()
    rows = _rows(batch, errors, unknown)
    errors.raise_if_any()
    with transaction.atomic():
        result = health_samples_upsert(
            user=user, rows=rows, deleted_external_ids=[str(uuid) for uuid in batch.deleted]
        )
        anchor = sync_anchor_keep(
            user=user,
            platform=Platform.APPLE_HEALTH,
            device_id=batch.device_id,
            anchor=batch.anchor,
        )
    return AppleHealthSyncResult(result=result, unknown_types=dict(unknown), anchor=anchor)
