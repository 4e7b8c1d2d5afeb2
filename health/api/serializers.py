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
