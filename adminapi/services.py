"""Writes of the admin API: the catalogue services of ``workouts`` plus an audit row, in one
transaction (a refused change writes neither)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from adminapi import error_codes
from adminapi.models import AdminAuditEvent
from billing.entitlements import workout_has_entitlements
from core.exceptions import Conflict
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


def admin_video_create(*, actor: Any, **kwargs: Any) -> Any:
    with transaction.atomic():
        video = workouts_services.workout_video_create(**kwargs)
        audit_event_record(
            actor=actor, action=Action.CREATE, object_type=ObjectType.VIDEO, object_id=video.pk
        )
    return video


def admin_video_update(*, actor: Any, video: Any, **kwargs: Any) -> Any:
    with transaction.atomic():
        video = workouts_services.workout_video_update(video=video, **kwargs)
        audit_event_record(
            actor=actor, action=Action.UPDATE, object_type=ObjectType.VIDEO, object_id=video.pk
        )
    return video


def admin_video_delete(*, actor: Any, video: Any) -> None:
    video_id = video.pk
    with transaction.atomic():
        workouts_services.workout_video_delete(video=video)
        audit_event_record(
            actor=actor, action=Action.DELETE, object_type=ObjectType.VIDEO, object_id=video_id
        )
