"""Manual entries: what the user typed, converted to canonical units and range-checked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from rest_framework.exceptions import ValidationError

from accounts.models import User
from health.catalog import (
    BY_API_NAME,
    SLEEP_STAGES,
    SPECS,
    Metric,
    UnitError,
    in_range,
    to_canonical,
)
from health.models import Platform
from health.schemas import datetime_is_plausible
from health.services.samples import SampleRow, SourceKey, health_samples_upsert

MANUAL_SOURCE = SourceKey(platform=Platform.MANUAL, app_name="FitCore")


@dataclass(frozen=True)
class ManualEntry:
    metric: str
    value: float
    unit: str
    start: datetime
    end: datetime | None = None
    kind: str = ""


def health_manual_entries_create(*, user: User, entries: list[ManualEntry]) -> list[SampleRow]:
    """Store entries typed by the user; all or nothing, every problem named by item."""
    errors: dict[str, list[str]] = {}
    rows: list[SampleRow] = []
    for index, entry in enumerate(entries):
        at = f"samples.{index}"
        metric = BY_API_NAME.get(entry.metric)
        if metric is None:
            errors[f"{at}.metric"] = [f"Unknown metric {entry.metric!r}."]
            continue
        spec = SPECS[metric]
        end = entry.end or entry.start
        if not datetime_is_plausible(entry.start):
            errors[f"{at}.start"] = ["The date is not plausible (years 2000-2100)."]
        if end < entry.start:
            errors[f"{at}.end"] = ["The end is before the start."]
        try:
            value = to_canonical(metric, entry.value, entry.unit)
        except UnitError as exc:
            errors[f"{at}.unit"] = [str(exc)]
            continue
        kind = 0
        if metric is Metric.SLEEP:
            if entry.kind not in SLEEP_STAGES:
                errors[f"{at}.kind"] = [f"Sleep needs a stage: {', '.join(SLEEP_STAGES)}."]
                continue
            kind = SLEEP_STAGES[entry.kind]
        if not in_range(metric, value):
            errors[f"{at}.value"] = [
                f"{value:g} {spec.unit} is outside {spec.minimum:g}-{spec.maximum:g} "
                f"for {metric.api_name}."
            ]
            continue
        rows.append(
            SampleRow(
                metric=metric,
                source=MANUAL_SOURCE,
                start=entry.start,
                duration_s=max(0, int((end - entry.start).total_seconds())),
                value=value,
                kind=kind,
                external_id=str(uuid.uuid4()),
            )
        )
    if errors:
        raise ValidationError(errors)
    health_samples_upsert(user=user, rows=rows)
    return rows
