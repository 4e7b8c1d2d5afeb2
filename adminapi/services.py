"""Writes of the admin API: the catalogue services of ``workouts`` plus an audit row, in one
transaction (a refused change writes neither)."""

from __future__ import annotations

import math
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from adminapi import error_codes
from adminapi.models import AdminAuditEvent
from billing.entitlements import workout_has_entitlements
from core.exceptions import Conflict
from media import services as media_services
from workouts import services as workouts_services

Action = AdminAuditEvent.Action
ObjectType = AdminAuditEvent.ObjectType


def audit_event_record(*, actor: Any, action: str, object_type: str, object_id: Any) -> None:
    AdminAuditEvent.objects.create(
        actor_id=actor.pk, action=action, object_type=object_type, object_id=object_id
    )


def admin_workout_create(*, actor: Any, **kwargs: Any) -> Any:
    with transaction.atomic():
        workout = workouts_services.workout_create(**kwargs)
        audit_event_record(
            actor=actor, action=Action.CREATE, object_type=ObjectType.WORKOUT, object_id=workout.pk
        )
    return workout


def admin_workout_replace(*, actor: Any, workout: Any, **kwargs: Any) -> Any:
    with transaction.atomic():
        workout = workouts_services.workout_replace(workout=workout, **kwargs)
        audit_event_record(
            actor=actor, action=Action.UPDATE, object_type=ObjectType.WORKOUT, object_id=workout.pk
        )
    return workout


def admin_workout_delete(*, actor: Any, workout: Any) -> None:
    """Delete a workout, unless someone holds a one-workout entitlement to it (a grant or a
    purchase): that is a 409, and the workout should be unpublished (status draft) instead."""
    workout_id = workout.pk
    with transaction.atomic():
        workouts_services.workout_lock(workout_id=workout_id)
        if workout_has_entitlements(workout_id=workout_id):
            raise Conflict(
                "Users hold entitlements to this workout (granted or bought): set its status "
                "to draft to hide it instead.",
                code=error_codes.WORKOUT_HAS_ENTITLEMENTS,
            )
        workouts_services.workout_delete(workout=workout)
        audit_event_record(
            actor=actor, action=Action.DELETE, object_type=ObjectType.WORKOUT, object_id=workout_id
        )


def _video_create(*, actor: Any, **kwargs: Any) -> Any:
    video = workouts_services.workout_video_create(**kwargs)
    audit_event_record(
        actor=actor, action=Action.CREATE, object_type=ObjectType.VIDEO, object_id=video.pk
    )
    return video


def admin_video_create(
    *, actor: Any, upload: UploadedFile | None = None, upload_id: Any = None, **kwargs: Any
) -> Any:
    """Add a video to a workout: metadata only, with a file uploaded in the same request
    (checked in full first), or with a completed presigned upload (``upload_id``). The file is
    transcoded in the background once this commits."""
    if upload is not None:
        with (
            media_services.upload_checked(upload=upload) as checked,
            media_services.asset_stored(checked=checked, actor=actor) as asset,
        ):
            kwargs.setdefault("duration_seconds", checked.duration_whole_seconds)
            return _video_create(actor=actor, asset_id=asset.pk, **kwargs)
    with transaction.atomic():
        if upload_id is not None:
            asset = media_services.asset_upload_complete(upload_id=upload_id)
            kwargs.setdefault("duration_seconds", _whole_seconds(asset.duration_seconds))
            kwargs["asset_id"] = asset.pk
        return _video_create(actor=actor, **kwargs)


def _whole_seconds(seconds: float | None) -> int:
    return max(1, math.ceil(seconds or 1))


def admin_video_update(*, actor: Any, video: Any, upload_id: Any = None, **kwargs: Any) -> Any:
    """Replace a video's metadata; with ``upload_id`` its file too (the old files are deleted
    once this commits)."""
    with transaction.atomic():
        if upload_id is not None:
            asset = media_services.asset_upload_complete(upload_id=upload_id)
            kwargs.setdefault("duration_seconds", _whole_seconds(asset.duration_seconds))
            kwargs["asset_id"] = asset.pk
        kwargs.setdefault("duration_seconds", video.duration_seconds)
        video = workouts_services.workout_video_update(video=video, **kwargs)
        audit_event_record(
            actor=actor, action=Action.UPDATE, object_type=ObjectType.VIDEO, object_id=video.pk
        )
    return video


def admin_video_upload_start(*, actor: Any, filename: str, size_bytes: int) -> Any:
    return media_services.asset_upload_start(actor=actor, filename=filename, size_bytes=size_bytes)


def admin_video_delete(*, actor: Any, video: Any) -> None:
    video_id = video.pk
    with transaction.atomic():
        workouts_services.workout_video_delete(video=video)
        audit_event_record(
            actor=actor, action=Action.DELETE, object_type=ObjectType.VIDEO, object_id=video_id
        )
