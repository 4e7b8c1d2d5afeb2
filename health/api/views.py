"""Health endpoints: thin views (parse, call a service or selector, render)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.bulk import bulk_body_parse
from core.openapi import BulkErrorResponse400Serializer
from core.pagination import TimeSeriesPagination
from core.throttling import HealthSyncThrottle, UserThrottle
from health import selectors, services
from health.catalog import SLEEP_STAGES, SPECS, Metric
from health.metrics import DEFAULT_BUCKETS, MAX_BUCKETS, bucket_start, buckets_between
from health.models import Goals, Sample
from health.schemas import AppleHealthSyncInput, SyncResultOutput
from health.schemas_health_connect import HealthConnectSyncInput, HealthConnectSyncOutput
from health.services.samples import SampleRow
from profiles.selectors import user_calendar, user_time_zone

from .serializers import (
    DEFAULT_METRICS,
    HealthDataQuerySerializer,
    HealthGoalsInputSerializer,
    HealthGoalsOutputSerializer,
    HealthMetricsOutputSerializer,
    HealthMetricsQuerySerializer,
    HealthSampleOutputSerializer,
    HealthSourcePriorityInputSerializer,
    HealthSourcesOutputSerializer,
    ManualEntryInputSerializer,
    ManualEntryOutputSerializer,
)

TAGS = ["health"]
STAGE_NAMES = {code: name for name, code in SLEEP_STAGES.items()}


def _kind(metric: Metric, kind: int) -> str | None:
    if metric is Metric.SLEEP:
        return STAGE_NAMES.get(kind, "asleep")
    if metric is Metric.WORKOUT:
        return str(kind)
    return None


def sample_presentation(sample: Sample) -> dict[str, Any]:
    metric = Metric(sample.stream.metric)
    source = sample.stream.source
    return {
        "metric": metric.api_name,
        "start": sample.start,
        "end": sample.start + timedelta(seconds=sample.duration_s),
        "value": round(sample.value, 3),
        "unit": SPECS[metric].unit,
        "kind": _kind(metric, sample.kind),
        "source": {
            "platform": source.platform,
            "app_name": source.app_name,
            "device_name": source.device_name,
        },
    }


def row_presentation(row: SampleRow) -> dict[str, Any]:
    return {
        "metric": row.metric.api_name,
        "start": row.start,
        "end": row.start + timedelta(seconds=row.duration_s),
        "value": round(row.value, 3),
        "unit": SPECS[row.metric].unit,
        "kind": _kind(row.metric, row.kind),
        "source": {
            "platform": row.source.platform,
            "app_name": row.source.app_name,
            "device_name": "",
        },
    }


class HealthDataView(APIView):
    pagination_class = TimeSeriesPagination

    @extend_schema(
        tags=TAGS,
        summary="The caller's health samples, newest first",
        description="Filter by `metric` and a `[start, end)` time range. Cursor-paginated: "
        "follow `next` (stable while new data arrives). Values are in the metric's canonical "
        "unit (`unit`).",
        parameters=[HealthDataQuerySerializer],
        responses={
            200: HealthSampleOutputSerializer(many=True),
            400: BulkErrorResponse400Serializer,
        },
    )
    def get(self, request: Request) -> Response:
        query = HealthDataQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        samples = selectors.health_samples_for_user(
            user=cast(User, request.user),
            metric=Metric[params["metric"].upper()] if "metric" in params else None,
            start=params.get("start"),
            end=params.get("end"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(samples, request, view=self) or []
        data = HealthSampleOutputSerializer([sample_presentation(s) for s in page], many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        tags=TAGS,
        summary="Add samples by hand (one or many)",
        description="Values are converted from the unit the user typed (kg, lb, st; kcal, kJ; "
        "km, mi, m; mL, L, fl_oz) to the metric's canonical unit and range-checked. All or "
        "nothing: one bad item refuses the request, naming it (`samples.3.unit`).",
        request=ManualEntryInputSerializer,
        responses={201: ManualEntryOutputSerializer, 400: BulkErrorResponse400Serializer},
        examples=[
            OpenApiExample(
                "Weight in pounds",
                value={
                    "samples": [
                        {
                            "metric": "weight",
                            "value": 154.3,
                            "unit": "lb",
                            "start": "2026-11-20T07:30:00+01:00",
                        }
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = ManualEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entries = [services.ManualEntry(**item) for item in data.validated_data["samples"]]
        rows = services.health_manual_entries_create(user=cast(User, request.user), entries=entries)
        body = {"created": len(rows), "samples": [row_presentation(row) for row in rows]}
        return Response(ManualEntryOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class AppleHealthSyncView(APIView):
    throttle_classes = (UserThrottle, HealthSyncThrottle)
    max_request_body_bytes = 16 * 1024 * 1024

    @extend_schema(
        tags=TAGS,
        summary="Upload a batch from HealthKit (anchored queries)",
        description="Quantity samples, sleep-analysis category samples, workouts and the uuids "
        "HealthKit reports deleted, plus the app's anchor. Samples are stored by uuid: a "
        "retried batch stores nothing twice (`unchanged`). Unknown type identifiers are "
        "counted in `unknown_types`, not refused. Anything malformed (unit not of the type, "
        "end before start, timestamps without offset, implausible dates, a uuid twice) "
        "refuses the whole batch with every problem named by path. At most 16 MB a request.",
        request=AppleHealthSyncInput,
        responses={200: SyncResultOutput, 400: BulkErrorResponse400Serializer},
    )
    def post(self, request: Request) -> Response:
        batch = bulk_body_parse(request, AppleHealthSyncInput)
        synced = services.apple_health_batch_sync(user=cast(User, request.user), batch=batch)
        body = SyncResultOutput(
            inserted=synced.result.inserted,
            unchanged=synced.result.unchanged,
            deleted=synced.result.deleted,
            unknown_types=synced.unknown_types,
            anchor=synced.anchor,
        )
        return Response(body.model_dump())


class HealthConnectSyncView(APIView):
    throttle_classes = (UserThrottle, HealthSyncThrottle)
    max_request_body_bytes = 16 * 1024 * 1024

    @extend_schema(
        tags=TAGS,
        summary="Upload a batch from Health Connect (Android; the spec's Google Fit)",
        description="The records and deleted record ids that Health Connect's changes API "
        "returned, plus the changes token after them. Google Fit's REST API is shut down, and "
        "there is no server-side pull: the app reads Health Connect and uploads. Each record is "
        "chosen by `record_type` (Steps, HeartRate, SleepSession...); a heart-rate series is "
        "stored as one sample per measurement and a sleep session as one per stage, all under "
        "the record's id, so deleting the id removes them all. A record id already stored is "
        "replaced by the version sent (`updated`); a retried batch changes nothing "
        "(`unchanged`). Record types FitCore does not store are counted in `unknown_types`. "
        "Anything malformed (a unit not of the type, a time without offset or zone offset, end "
        "before start, implausible dates, an id twice) refuses the whole batch with every "
        "problem named by path (`records.3.energy.unit`). At most 16 MB a request.",
        request=HealthConnectSyncInput,
        responses={200: HealthConnectSyncOutput, 400: BulkErrorResponse400Serializer},
    )
    def post(self, request: Request) -> Response:
        batch = bulk_body_parse(request, HealthConnectSyncInput)
        synced = services.health_connect_batch_sync(user=cast(User, request.user), batch=batch)
        body = HealthConnectSyncOutput(
            inserted=synced.result.inserted,
            updated=synced.result.updated,
            unchanged=synced.result.unchanged,
            deleted=synced.result.deleted,
            unknown_types=synced.unknown_types,
            changes_token=synced.changes_token,
        )
        return Response(body.model_dump())


class HealthMetricsView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Health metrics per day, week or month, with trend and goal progress",
        description="Days are the user's days, in the time zone of their settings; weeks start "
        "on their week start. Cumulative metrics (steps, energy, distance, water) count each "
        "minute once, from the best source (watch, then phone, then other apps, then manual "
        "entries) so a phone and a watch never double count. Heart rate gives min/avg/max, "
        "weight and body fat the latest value, sleep the time asleep per night (counted on the "
        "day the night ends). `trend_percent` compares the range with the span before it. At "
        "most 366 days, 104 weeks or 36 months.",
        parameters=[HealthMetricsQuerySerializer],
        responses={200: HealthMetricsOutputSerializer, 400: BulkErrorResponse400Serializer},
    )
    def get(self, request: Request) -> Response:
        query = HealthMetricsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        user = cast(User, request.user)
        calendar = user_calendar(user=user)
        zone, week_start = calendar.time_zone, calendar.week_start
        period = params["period"]
        last = params.get("end") or timezone.now().astimezone(zone).date()
        first = params.get("start") or _default_first(last, period, week_start)
        if first > last:
            raise ValidationError({"start": ["The start is after the end."]})
        if len(buckets_between(first, last, period, week_start)) > MAX_BUCKETS[period]:
            raise ValidationError(
                {"start": [f"At most {MAX_BUCKETS[period]} {period}s at a time."]}
            )
        services.health_summaries_ensure_zone(user=user, zone=zone)
        metrics = [Metric[name.upper()] for name in params.get("metrics") or DEFAULT_METRICS]
        body = {
            "time_zone": zone.key,
            "period": period,
            "start": first,
            "end": last,
            "metrics": selectors.health_metrics_for_user(
                user=user,
                metrics=metrics,
                period=period,
                first=first,
                last=last,
                week_start=week_start,
            ),
        }
        return Response(HealthMetricsOutputSerializer(body).data)


def _default_first(last: date, period: str, week_start: int) -> date:
    first = bucket_start(last, period, week_start)
    for _ in range(DEFAULT_BUCKETS[period] - 1):
        first = bucket_start(first - timedelta(days=1), period, week_start)
    return first


class HealthSourcesView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The caller's data sources per metric, in priority order",
        description="Where two sources overlap (a phone and a watch both counting steps), "
        "each minute counts once, from the first source listed here.",
        responses={200: HealthSourcesOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        body = {"metrics": selectors.health_sources_by_metric(user=cast(User, request.user))}
        return Response(HealthSourcesOutputSerializer(body).data)


class HealthSourcePriorityView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Set which sources win for a metric (first wins)",
        description="List some or all of the metric's source ids from GET /api/health/sources; "
        "the ones left out follow in the default order. The metric's daily figures are "
        "recomputed. An id that is not one of the caller's sources for that metric is a 404.",
        request=HealthSourcePriorityInputSerializer,
        responses={200: HealthSourcesOutputSerializer},
    )
    def put(self, request: Request) -> Response:
        data = HealthSourcePriorityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = cast(User, request.user)
        services.health_source_priority_set(
            user=user,
            metric=Metric[data.validated_data["metric"].upper()],
            source_ids=data.validated_data["source_ids"],
            zone=user_time_zone(user=user),
        )
        body = {"metrics": selectors.health_sources_by_metric(user=user)}
        return Response(HealthSourcesOutputSerializer(body).data)


class HealthGoalsView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The caller's daily goals",
        responses={200: HealthGoalsOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        goals = selectors.health_goals_for_user(user=cast(User, request.user))
        return Response(goals_presentation(goals))

    @extend_schema(
        tags=TAGS,
        summary="Set the caller's daily goals",
        description="Replaces all goals: a goal left out (or null) is cleared.",
        request=HealthGoalsInputSerializer,
        responses={200: HealthGoalsOutputSerializer},
    )
    def put(self, request: Request) -> Response:
        data = HealthGoalsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        goals = services.health_goals_update(
            user=cast(User, request.user), values=data.validated_data
        )
        return Response(goals_presentation(goals))


def goals_presentation(goals: Goals) -> dict[str, Any]:
    return HealthGoalsOutputSerializer(
        {
            "daily_steps": goals.daily_steps,
            "daily_active_energy_kcal": goals.daily_active_energy_kcal,
            "sleep_minutes": goals.sleep_minutes,
            "daily_water_ml": goals.daily_water_ml,
            "target_weight_kg": goals.target_weight_kg,
            "updated_at": goals.updated_at if goals.pk else None,
        }
    ).data
