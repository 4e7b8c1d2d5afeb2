"""Health Connect batches, as the Android app uploads them (POST /api/health/sync/google-fit).

The app reads Health Connect's changes API (``getChanges`` with a changes token) and posts the
records it returns, serialized from the Kotlin record classes in snake_case, plus the ids of
deleted records. One pydantic model per record type, chosen by ``record_type`` (Health Connect's
class name without ``Record``): the schema documents each type's fields and units, and the parser
refuses a unit that is not of the type. Record types FitCore does not store are accepted as
:class:`HealthConnectOtherRecord` and only counted.

Each record is validated by its own model (see :func:`_record_validate`), so error paths read
``records.3.energy.unit`` rather than pydantic's ``records.3.ActiveCaloriesBurned.energy.unit``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from health.schemas import StrictModel, Text

RecordId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, pattern=r"^\S+$"),
    Field(description="Health Connect's record id (Metadata.id, a UUID string)"),
]
PackageName = Annotated[
    str,
    StringConstraints(max_length=200, pattern=r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$"),
    Field(description="The app that wrote the record (DataOrigin.packageName)"),
]
# java.time.ZoneOffset.toString(): "Z", "+01:00", "-05:30" (seconds are legal, never seen).
ZoneOffset = Annotated[
    str,
    StringConstraints(pattern=r"^(|Z|[+-](0\d|1[0-8]):[0-5]\d(:[0-5]\d)?)$"),
    Field(
        description="The zone offset in effect (e.g. +01:00). Needed only when the time is "
        "sent without an offset; the stored instant comes from the time itself otherwise."
    ),
]
TimeField = Annotated[
    datetime,
    Field(
        description="An instant, ISO 8601 with offset (Instant.toString() gives ...Z). A time "
        "without offset is read in the record's zone offset; without either it is refused."
    ),
]


class HealthConnectDevice(StrictModel):
    """Metadata.device: the hardware that measured."""

    manufacturer: Text = Field(default="", description="e.g. Google, Samsung")
    model: Text = Field(default="", description="e.g. Pixel Watch 2")
    type: int = Field(
        default=0,
        ge=0,
        le=1_000,
        description="Device.TYPE_*: 0 unknown, 1 watch, 2 phone, 3 scale, 4 ring, "
        "5 head-mounted, 6 fitness band, 7 chest strap, 8 smart display",
    )


class HealthConnectMetadata(StrictModel):
    id: RecordId
    data_origin: PackageName
    last_modified_time: AwareDatetime
    device: HealthConnectDevice = HealthConnectDevice()


class HealthConnectEnergy(StrictModel):
    value: float
    unit: Literal["kilocalories", "kilojoules", "calories", "joules"] = Field(
        description="Energy units; `calories` are small calories (1/1000 kcal), as "
        "Health Connect's Energy.calories()"
    )


class HealthConnectLength(StrictModel):
    value: float
    unit: Literal["meters", "kilometers", "miles", "feet"]


class HealthConnectMass(StrictModel):
    value: float
    unit: Literal["kilograms", "grams", "pounds"]


class HealthConnectVolume(StrictModel):
    value: float
    unit: Literal["liters", "milliliters", "fluid_ounces_us"]


def _record_type_as_enum(schema: dict[str, Any]) -> None:
    """OpenAPI 3.0 has no ``const``: document the record type as a one-value enum."""
    record_type = schema["properties"]["record_type"]
    if "const" in record_type:
        record_type["enum"] = [record_type.pop("const")]


class _Record(StrictModel):
    model_config = ConfigDict(json_schema_extra=_record_type_as_enum)

    record_type: str  # a Literal in each record type (listed first in the schema)
    metadata: HealthConnectMetadata


class _IntervalRecord(_Record):
    """Health Connect's IntervalRecord: startTime/endTime with their zone offsets."""

    start_time: TimeField
    start_zone_offset: ZoneOffset = ""
    end_time: TimeField
    end_zone_offset: ZoneOffset = ""


class _InstantaneousRecord(_Record):
    """Health Connect's InstantaneousRecord: one time and its zone offset."""

    time: TimeField
    zone_offset: ZoneOffset = ""


class HealthConnectStepsRecord(_IntervalRecord):
    record_type: Literal["Steps"]
    count: int


class HealthConnectHeartRateSample(StrictModel):
    time: TimeField
    beats_per_minute: int


class HealthConnectHeartRateRecord(_IntervalRecord):
    """A series: every sample is stored, all under the record's id."""

    record_type: Literal["HeartRate"]
    samples: list[HealthConnectHeartRateSample] = Field(max_length=10_000)


class HealthConnectRestingHeartRateRecord(_InstantaneousRecord):
    record_type: Literal["RestingHeartRate"]
    beats_per_minute: int


class HealthConnectHeartRateVariabilityRmssdRecord(_InstantaneousRecord):
    record_type: Literal["HeartRateVariabilityRmssd"]
    heart_rate_variability_millis: float


class HealthConnectActiveCaloriesBurnedRecord(_IntervalRecord):
    record_type: Literal["ActiveCaloriesBurned"]
    energy: HealthConnectEnergy


class HealthConnectDistanceRecord(_IntervalRecord):
    record_type: Literal["Distance"]
    distance: HealthConnectLength


class HealthConnectWeightRecord(_InstantaneousRecord):
    record_type: Literal["Weight"]
    weight: HealthConnectMass


class HealthConnectBodyFatRecord(_InstantaneousRecord):
    record_type: Literal["BodyFat"]
    percentage: float = Field(description="0-100")


class HealthConnectOxygenSaturationRecord(_InstantaneousRecord):
    record_type: Literal["OxygenSaturation"]
    percentage: float = Field(description="0-100")


class HealthConnectHydrationRecord(_IntervalRecord):
    record_type: Literal["Hydration"]
    volume: HealthConnectVolume


class HealthConnectSleepStage(StrictModel):
    start_time: TimeField
    end_time: TimeField
    stage: int = Field(
        ge=0,
        le=7,
        description="SleepSessionRecord.STAGE_TYPE_*: 0 unknown, 1 awake, 2 sleeping, "
        "3 out of bed, 4 light, 5 deep, 6 REM, 7 awake in bed",
    )


class HealthConnectSleepSessionRecord(_IntervalRecord):
    """Each stage is stored as a sample; a session without stages as one 'asleep' sample."""

    record_type: Literal["SleepSession"]
    stages: list[HealthConnectSleepStage] = Field(default=[], max_length=2_000)


class HealthConnectExerciseSessionRecord(_IntervalRecord):
    record_type: Literal["ExerciseSession"]
    exercise_type: int = Field(ge=0, le=10_000, description="ExerciseSessionRecord.EXERCISE_TYPE_*")
    total_energy_burned: HealthConnectEnergy = HealthConnectEnergy(value=0, unit="kilocalories")


STORED_RECORDS: dict[str, type[_Record]] = {
    get_args(model.model_fields["record_type"].annotation)[0]: model
    for model in (
        HealthConnectStepsRecord,
        HealthConnectHeartRateRecord,
        HealthConnectRestingHeartRateRecord,
        HealthConnectHeartRateVariabilityRmssdRecord,
        HealthConnectActiveCaloriesBurnedRecord,
        HealthConnectDistanceRecord,
        HealthConnectWeightRecord,
        HealthConnectBodyFatRecord,
        HealthConnectOxygenSaturationRecord,
        HealthConnectHydrationRecord,
        HealthConnectSleepSessionRecord,
        HealthConnectExerciseSessionRecord,
    )
}
OTHER = "other"


class HealthConnectOtherRecord(BaseModel):
    """A record type FitCore does not store (BloodPressure, Nutrition...): counted in
    ``unknown_types``; its other fields are not read."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    record_type: str = Field(
        max_length=120, json_schema_extra={"not": {"enum": [*sorted(STORED_RECORDS)]}}
    )


def _record_tag(value: Any) -> str | None:
    record_type = value.get("record_type") if isinstance(value, dict) else None
    if not isinstance(record_type, str):
        return None
    return record_type if record_type in STORED_RECORDS else OTHER


def _record_validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Validate a record with its type's model directly: the discriminated union would put the
    tag in every error path."""
    tag = _record_tag(value)
    if tag is None:
        return handler(value)  # the union's own error: no record_type
    model = STORED_RECORDS.get(tag, HealthConnectOtherRecord)
    return model.model_validate(value)


HealthConnectRecord = Annotated[
    Annotated[HealthConnectStepsRecord, Tag("Steps")]
    | Annotated[HealthConnectHeartRateRecord, Tag("HeartRate")]
    | Annotated[HealthConnectRestingHeartRateRecord, Tag("RestingHeartRate")]
    | Annotated[HealthConnectHeartRateVariabilityRmssdRecord, Tag("HeartRateVariabilityRmssd")]
    | Annotated[HealthConnectActiveCaloriesBurnedRecord, Tag("ActiveCaloriesBurned")]
    | Annotated[HealthConnectDistanceRecord, Tag("Distance")]
    | Annotated[HealthConnectWeightRecord, Tag("Weight")]
    | Annotated[HealthConnectBodyFatRecord, Tag("BodyFat")]
    | Annotated[HealthConnectOxygenSaturationRecord, Tag("OxygenSaturation")]
    | Annotated[HealthConnectHydrationRecord, Tag("Hydration")]
    | Annotated[HealthConnectSleepSessionRecord, Tag("SleepSession")]
    | Annotated[HealthConnectExerciseSessionRecord, Tag("ExerciseSession")]
    | Annotated[HealthConnectOtherRecord, Tag(OTHER)],
    Discriminator(
        _record_tag,
        custom_error_type="record_type_missing",
        custom_error_message="A record is an object with a string record_type.",
    ),
    WrapValidator(_record_validate),
]


class HealthConnectSyncInput(StrictModel):
    """One batch from the Android app's Health Connect changes reader."""

    device_id: Text = Field(default="", description="The app installation sending the batch.")
    changes_token: Annotated[str, StringConstraints(max_length=20_000)] = Field(
        default="",
        description="Health Connect's changes token after these changes (opaque), stored and "
        "echoed back; empty keeps the stored one.",
    )
    records: list[HealthConnectRecord] = Field(
        default=[],
        max_length=20_000,
        description="Inserted or updated records. A record id already stored is replaced by "
        "this version (Health Connect records can be updated in place).",
    )
    deleted_ids: list[RecordId] = Field(
        default=[],
        max_length=20_000,
        description="Ids of records Health Connect reports deleted; all their samples go.",
    )


class HealthConnectSyncOutput(StrictModel):
    inserted: int = Field(description="samples of records not stored before")
    updated: int = Field(description="samples of stored records that changed (replaced)")
    unchanged: int = Field(description="samples of records already stored as sent (a retry)")
    deleted: int = Field(description="stored samples removed by deleted_ids")
    unknown_types: dict[str, int] = Field(
        description="record types FitCore does not store, with how many were skipped"
    )
    changes_token: str = Field(description="the changes token stored for the next sync")
