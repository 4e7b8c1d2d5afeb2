from __future__ import annotations

from rest_framework import serializers

from core.serializers import AwareDateTimeField, StrictInputSerializer
from health.catalog import SLEEP_STAGES, SPECS, Metric

METRIC_NAMES = [metric.api_name for metric in Metric]
ALL_UNITS = sorted({unit for spec in SPECS.values() for unit in spec.units})


class HealthDataQuerySerializer(StrictInputSerializer):
    metric = serializers.ChoiceField(choices=METRIC_NAMES, required=False)
    start = AwareDateTimeField(required=False, help_text="inclusive, ISO 8601 with offset")
    end = AwareDateTimeField(required=False, help_text="exclusive, ISO 8601 with offset")
    cursor = serializers.CharField(required=False, max_length=500)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000)

    def validate(self, attrs: dict) -> dict:
        if "start" in attrs and "end" in attrs and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        return attrs


class HealthSourceOutputSerializer(serializers.Serializer):
    platform = serializers.CharField()
    app_name = serializers.CharField()
    device_name = serializers.CharField()


class HealthSampleOutputSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=METRIC_NAMES)
    start = AwareDateTimeField()
    end = serializers.DateTimeField()
    value = serializers.FloatField()
    unit = serializers.CharField()
    kind = serializers.CharField(
        allow_null=True, help_text="sleep stage for sleep; HKWorkoutActivityType for workouts"
    )
    source = HealthSourceOutputSerializer()  # type: ignore[assignment]


class ManualSampleInputSerializer(StrictInputSerializer):
    metric = serializers.ChoiceField(choices=METRIC_NAMES)
    value = serializers.FloatField(min_value=0, max_value=1_000_000)
    unit = serializers.ChoiceField(
        choices=ALL_UNITS, help_text="what the user typed: kg, lb, st, kcal, kJ, km, mi, mL..."
    )
    start = AwareDateTimeField()
    end = AwareDateTimeField(required=False)
    kind = serializers.ChoiceField(
        choices=list(SLEEP_STAGES), required=False, help_text="sleep stage (sleep only)"
    )


class ManualEntryInputSerializer(StrictInputSerializer):
    samples = serializers.ListField(
        child=ManualSampleInputSerializer(), min_length=1, max_length=500
    )


class ManualEntryOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    samples = HealthSampleOutputSerializer(many=True)


class HealthGoalsInputSerializer(StrictInputSerializer):
    daily_steps = serializers.IntegerField(
        min_value=100, max_value=100_000, allow_null=True, required=False
    )
    daily_active_energy_kcal = serializers.IntegerField(
        min_value=10, max_value=10_000, allow_null=True, required=False
    )
    sleep_minutes = serializers.IntegerField(
        min_value=60, max_value=16 * 60, allow_null=True, required=False
    )
    daily_water_ml = serializers.IntegerField(
        min_value=100, max_value=10_000, allow_null=True, required=False
    )
    target_weight_kg = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=20, max_value=400, allow_null=True, required=False
    )


class HealthGoalsOutputSerializer(serializers.Serializer):
    daily_steps = serializers.IntegerField(allow_null=True)
    daily_active_energy_kcal = serializers.IntegerField(allow_null=True)
    sleep_minutes = serializers.IntegerField(allow_null=True)
    daily_water_ml = serializers.IntegerField(allow_null=True)
    target_weight_kg = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    updated_at = serializers.DateTimeField(allow_null=True)


DEFAULT_METRICS = [
    "steps",
    "active_energy",
    "distance",
    "heart_rate",
    "resting_heart_rate",
    "sleep",
    "weight",
    "water",
]


class HealthMetricsQuerySerializer(StrictInputSerializer):
    metrics = serializers.CharField(
        required=False,
        max_length=300,
        help_text=f"comma-separated metric names; default: {','.join(DEFAULT_METRICS)}",
    )
    period = serializers.ChoiceField(choices=["day", "week", "month"], default="day")
    start = serializers.DateField(required=False, help_text="first local day (inclusive)")
    end = serializers.DateField(
        required=False, help_text="last local day (inclusive); default today"
    )

    def validate_metrics(self, value: str) -> list[str]:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in METRIC_NAMES]
        if unknown or not names:
            raise serializers.ValidationError(
                f"Unknown metric(s): {', '.join(unknown) or '(none given)'}; "
                f"use {', '.join(METRIC_NAMES)}."
            )
        return list(dict.fromkeys(names))


class HealthMetricBucketOutputSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="first local day of the bucket")
    value = serializers.FloatField(
        allow_null=True,
        help_text="sum (steps, energy, distance, water), average (heart rate, HRV, SpO2), "
        "latest (weight, body fat), seconds asleep per night (sleep), seconds (workouts)",
    )
    minimum = serializers.FloatField(allow_null=True)
    maximum = serializers.FloatField(allow_null=True)
    days_with_data = serializers.IntegerField()
    count = serializers.IntegerField()
    energy_kcal = serializers.FloatField(required=False, help_text="workouts only")


class HealthMetricGoalOutputSerializer(serializers.Serializer):
    target = serializers.FloatField(allow_null=True, help_text="null: no goal set for this metric")
    days_met = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.FloatField(
        allow_null=True, help_text="average daily value as a share of the daily goal"
    )
    remaining = serializers.FloatField(allow_null=True, help_text="weight: kg above the target")


class HealthMetricOutputSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=METRIC_NAMES)
    unit = serializers.CharField()
    aggregation = serializers.ChoiceField(choices=["sum", "stats", "latest", "duration"])
    value = serializers.FloatField(allow_null=True, help_text="the whole range, as a bucket")
    previous_value = serializers.FloatField(allow_null=True, help_text="the span before it")
    trend_percent = serializers.FloatField(allow_null=True)
    buckets = HealthMetricBucketOutputSerializer(many=True)
    goal = HealthMetricGoalOutputSerializer()


class HealthMetricsOutputSerializer(serializers.Serializer):
    time_zone = serializers.CharField()
    period = serializers.ChoiceField(choices=["day", "week", "month"])
    start = serializers.DateField()
    end = serializers.DateField()
    metrics = HealthMetricOutputSerializer(many=True)


class HealthSourceDetailOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    platform = serializers.CharField()
    app_name = serializers.CharField()
    device_name = serializers.CharField()
    device_model = serializers.CharField()
    custom_priority = serializers.BooleanField(help_text="false: placed by the default order")


class HealthMetricSourcesOutputSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=METRIC_NAMES)
    sources = HealthSourceDetailOutputSerializer(many=True, help_text="first wins overlaps")


class HealthSourcesOutputSerializer(serializers.Serializer):
    metrics = HealthMetricSourcesOutputSerializer(many=True)


class HealthSourcePriorityInputSerializer(StrictInputSerializer):
    metric = serializers.ChoiceField(choices=METRIC_NAMES)
    source_ids = serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=50, help_text="first wins"
    )
