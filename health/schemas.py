"""Bulk sync payloads, parsed with pydantic (a 10,000-sample batch must validate in
milliseconds; DRF serializers take ~50 us a field). drf-spectacular documents these models
through its pydantic extension, so the schema and the parser are the same code."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(max_length=200)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=120)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HealthKitSource(StrictModel):
    """HKSourceRevision: the app that saved the sample."""

    bundle_id: Text = Field(default="", description="e.g. com.apple.health.8B3F...")
    name: Text = Field(default="", description="e.g. Alice's Apple Watch")


class HealthKitDevice(StrictModel):
    """HKDevice: the hardware that measured (absent for manual entries in Health)."""

    name: Text = ""
    model: Text = Field(default="", description="e.g. Watch, iPhone")
    manufacturer: Text = ""


class HealthKitQuantity(StrictModel):
    value: float
    unit: Identifier = Field(description="An HKUnit string: count/min, kcal, kg, lb, km, mL, %...")


class HealthKitQuantitySample(StrictModel):
    uuid: UUID
    type: Identifier = Field(description="e.g. HKQuantityTypeIdentifierHeartRate")
    value: float
    unit: Identifier = Field(description="An HKUnit string: count/min, kcal, kg, lb, km, mL, %...")
    start: AwareDatetime
    end: AwareDatetime
    source: HealthKitSource = HealthKitSource()
    device: HealthKitDevice = HealthKitDevice()


class HealthKitCategorySample(StrictModel):
    uuid: UUID
    type: Identifier = Field(description="HKCategoryTypeIdentifierSleepAnalysis")
    value: int = Field(
        ge=0,
        le=5,
        description="HKCategoryValueSleepAnalysis: 0 in bed, 1 asleep (unspecified), 2 awake, "
        "3 core, 4 deep, 5 REM",
    )
    start: AwareDatetime
    end: AwareDatetime
    source: HealthKitSource = HealthKitSource()
    device: HealthKitDevice = HealthKitDevice()


class HealthKitWorkout(StrictModel):
    uuid: UUID
    activity_type: int = Field(ge=0, le=10_000, description="HKWorkoutActivityType raw value")
    start: AwareDatetime
    end: AwareDatetime
    total_energy_burned: HealthKitQuantity = HealthKitQuantity(value=0, unit="kcal")
    source: HealthKitSource = HealthKitSource()
    device: HealthKitDevice = HealthKitDevice()


class AppleHealthSyncInput(StrictModel):
    """One batch from the iOS app's anchored queries."""

    anchor: Annotated[str, StringConstraints(max_length=20_000)] = Field(
        default="", description="The app's HKQueryAnchor (opaque, e.g. base64), echoed back."
    )
    device_id: Text = Field(default="", description="The app installation sending the batch.")
    quantity_samples: list[HealthKitQuantitySample] = Field(default=[], max_length=20_000)
    category_samples: list[HealthKitCategorySample] = Field(default=[], max_length=20_000)
    workouts: list[HealthKitWorkout] = Field(default=[], max_length=5_000)
    deleted: list[UUID] = Field(
        default=[], max_length=20_000, description="uuids HealthKit reports as deleted"
    )


class SyncResultOutput(StrictModel):
    inserted: int = Field(description="samples stored by this batch")
    unchanged: int = Field(description="samples already stored (a retried batch)")
    deleted: int = Field(description="stored samples removed")
    unknown_types: dict[str, int] = Field(
        description="type identifiers FitCore does not store, with how many were skipped"
    )
    anchor: str = Field(description="the anchor stored for the next sync")


def datetime_is_plausible(value: datetime) -> bool:
    return 2000 <= value.year <= 2100
