"""What FitCore knows about each health metric: its name in the API, canonical unit, accepted
input units, plausible range, how a day aggregates it, and where it comes from on each platform.

Everything is stored in one canonical unit per metric (SI/metric); conversion happens at the
edge, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Metric(IntEnum):
    """Stored as a smallint; the API uses the lower-case names. Append only, never renumber."""

    STEPS = 1
    HEART_RATE = 2
    RESTING_HEART_RATE = 3
    HRV = 4
    ACTIVE_ENERGY = 5
    DISTANCE = 6
    WEIGHT = 7
    BODY_FAT = 8
    SLEEP = 9
    WORKOUT = 10
    BLOOD_OXYGEN = 11
    WATER = 12

    @property
    def api_name(self) -> str:
        return self.name.lower()


class Aggregation:
    SUM = "sum"  # cumulative: steps, energy, distance, water (de-duplicated across sources)
    STATS = "stats"  # min / avg / max: heart rate, HRV, blood oxygen
    LATEST = "latest"  # the last value of the day: weight, body fat
    DURATION = "duration"  # time asleep per night, workout minutes


# Unit factors into the canonical unit. Keys are what users type (manual entry) and what
# HealthKit / Health Connect send; values multiply into the canonical unit.
MASS = {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "st": 6.35029318}
ENERGY = {"kcal": 1.0, "Cal": 1.0, "kJ": 1 / 4.184, "J": 1 / 4184}
LENGTH = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "ft": 0.3048, "yd": 0.9144, "cm": 0.01}
VOLUME = {"mL": 1.0, "ml": 1.0, "L": 1000.0, "l": 1000.0, "fl_oz_us": 29.5735295625}
VOLUME["fl_oz"] = VOLUME["fl_oz_us"]
COUNT = {"count": 1.0}
RATE = {"count/min": 1.0, "bpm": 1.0}
MILLISECONDS = {"ms": 1.0, "s": 1000.0}
FRACTION_AS_PERCENT = {"%": 1.0, "percent": 1.0, "fraction": 100.0}
SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0}


@dataclass(frozen=True)
class MetricSpec:
    metric: Metric
    unit: str  # canonical unit, as shown in the API
    units: dict[str, float]
    minimum: float
    maximum: float
    aggregation: str
    healthkit: tuple[str, ...] = ()
    health_connect: tuple[str, ...] = ()
    # The largest plausible value per hour, for cumulative metrics (sanity, not truth).
    notes: str = ""
    kinds: dict[str, int] = field(default_factory=dict)


SLEEP_STAGES = {
    "in_bed": 0,
    "asleep": 1,  # asleep, stage unknown
    "awake": 2,
    "core": 3,  # light
    "deep": 4,
    "rem": 5,
}
ASLEEP_STAGES = frozenset({1, 3, 4, 5})

SPECS: dict[Metric, MetricSpec] = {
    spec.metric: spec
    for spec in (
        MetricSpec(
            Metric.STEPS,
            "count",
            COUNT,
            0,
            100_000,
            Aggregation.SUM,
            healthkit=("HKQuantityTypeIdentifierStepCount",),
            health_connect=("Steps",),
        ),
        MetricSpec(
            Metric.HEART_RATE,
            "bpm",
            RATE,
            20,
            260,
            Aggregation.STATS,
            healthkit=("HKQuantityTypeIdentifierHeartRate",),
            health_connect=("HeartRate",),
        ),
        MetricSpec(
            Metric.RESTING_HEART_RATE,
            "bpm",
            RATE,
            20,
            200,
            Aggregation.STATS,
            healthkit=("HKQuantityTypeIdentifierRestingHeartRate",),
            health_connect=("RestingHeartRate",),
        ),
        MetricSpec(
            Metric.HRV,
            "ms",
            MILLISECONDS,
            1,
            500,
            Aggregation.STATS,
            healthkit=("HKQuantityTypeIdentifierHeartRateVariabilitySDNN",),
            health_connect=("HeartRateVariabilityRmssd",),
        ),
        MetricSpec(
            Metric.ACTIVE_ENERGY,
            "kcal",
            ENERGY,
            0,
            20_000,
            Aggregation.SUM,
            healthkit=("HKQuantityTypeIdentifierActiveEnergyBurned",),
            health_connect=("ActiveCaloriesBurned",),
        ),
        MetricSpec(
            Metric.DISTANCE,
            "m",
            LENGTH,
            0,
            500_000,
            Aggregation.SUM,
            healthkit=(
                "HKQuantityTypeIdentifierDistanceWalkingRunning",
                "HKQuantityTypeIdentifierDistanceCycling",
            ),
            health_connect=("Distance",),
        ),
        MetricSpec(
            Metric.WEIGHT,
            "kg",
            MASS,
            20,
            400,
            Aggregation.LATEST,
            healthkit=("HKQuantityTypeIdentifierBodyMass",),
            health_connect=("Weight",),
        ),
        MetricSpec(
            Metric.BODY_FAT,
            "%",
            FRACTION_AS_PERCENT,
            2,
            75,
            Aggregation.LATEST,
            healthkit=("HKQuantityTypeIdentifierBodyFatPercentage",),
            health_connect=("BodyFat",),
            notes="HealthKit sends a fraction (0-1); stored as a percentage.",
        ),
        MetricSpec(
            Metric.SLEEP,
            "s",
            SECONDS,
            0,
            24 * 3600,
            Aggregation.DURATION,
            healthkit=("HKCategoryTypeIdentifierSleepAnalysis",),
            health_connect=("SleepSession",),
            kinds=SLEEP_STAGES,
        ),
        MetricSpec(
            Metric.WORKOUT,
            "kcal",
            ENERGY,
            0,
            20_000,
            Aggregation.DURATION,
            healthkit=("HKWorkoutTypeIdentifier",),
            health_connect=("ExerciseSession",),
            notes="value: energy burned; duration: the workout's length.",
        ),
        MetricSpec(
            Metric.BLOOD_OXYGEN,
            "%",
            FRACTION_AS_PERCENT,
            50,
            100,
            Aggregation.STATS,
            healthkit=("HKQuantityTypeIdentifierOxygenSaturation",),
            health_connect=("OxygenSaturation",),
            notes="HealthKit sends a fraction (0-1); stored as a percentage.",
        ),
        MetricSpec(
            Metric.WATER,
            "mL",
            VOLUME,
            0,
            20_000,
            Aggregation.SUM,
            healthkit=("HKQuantityTypeIdentifierDietaryWater",),
            health_connect=("Hydration",),
        ),
    )
}

BY_API_NAME: dict[str, Metric] = {metric.api_name: metric for metric in Metric}
BY_HEALTHKIT: dict[str, Metric] = {
    identifier: spec.metric for spec in SPECS.values() for identifier in spec.healthkit
}

# HealthKit sleep analysis category values (HKCategoryValueSleepAnalysis) -> our stages.
HEALTHKIT_SLEEP_VALUES = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5}

BY_HEALTH_CONNECT: dict[str, Metric] = {
    record_type: spec.metric for spec in SPECS.values() for record_type in spec.health_connect
}
# Health Connect sleep stages (SleepSessionRecord.STAGE_TYPE_*) -> our stages. Unknown (0) is
# time in the session that is not known to be sleep: in bed. Light sleep is HealthKit's "core".
HEALTH_CONNECT_SLEEP_STAGES = {
    0: SLEEP_STAGES["in_bed"],
    1: SLEEP_STAGES["awake"],
    2: SLEEP_STAGES["asleep"],
    3: SLEEP_STAGES["awake"],  # out of bed
    4: SLEEP_STAGES["core"],
    5: SLEEP_STAGES["deep"],
    6: SLEEP_STAGES["rem"],
    7: SLEEP_STAGES["awake"],  # awake in bed
}


class UnitError(ValueError):
    pass


def to_canonical(metric: Metric, value: float, unit: str) -> float:
    """``value`` in ``unit`` converted to the metric's canonical unit, or UnitError."""
    spec = SPECS[metric]
    factor = spec.units.get(unit)
    if factor is None:
        allowed = ", ".join(sorted(spec.units))
        raise UnitError(f"{unit!r} is not a unit of {metric.api_name} (use one of: {allowed}).")
    return value * factor


def in_range(metric: Metric, value: float) -> bool:
    spec = SPECS[metric]
    return spec.minimum <= value <= spec.maximum
