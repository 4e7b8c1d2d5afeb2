"""Writes of the workouts app: saving catalogue content (and its search vector), recording
progress, rating. Each use case is one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Avg, Count, F, QuerySet
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied, ValidationError

from billing.entitlements import video_access
from workouts import error_codes
from workouts.models import (
    Category,
    Trainer,
    UserWorkoutProgress,
    Workout,
    WorkoutRating,
    WorkoutSession,
    WorkoutVideo,
)
from workouts.selectors import SEARCH_CONFIG

# Weights: title A, category (and parent category) and trainer names B, description C.
# category_ids: the workout's categories and their parents.
_INDEX_SQL = f"""
UPDATE workouts_workout w SET
  category_ids = coalesce((
    SELECT array_agg(DISTINCT x.id ORDER BY x.id) FROM (
        SELECT c.id FROM workouts_workout_categories wc
          JOIN workouts_category c ON c.id = wc.category_id WHERE wc.workout_id = w.id
        UNION
        SELECT c.parent_id FROM workouts_workout_categories wc
          JOIN workouts_category c ON c.id = wc.category_id
         WHERE wc.workout_id = w.id AND c.parent_id IS NOT NULL) x), '{{}}'),
  search_vector =
    setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(w.title, '')), 'A')
    || setweight(to_tsvector('{SEARCH_CONFIG}', concat_ws(' ',
        (SELECT string_agg(concat_ws(' ', c.name, p.name), ' ')
           FROM workouts_workout_categories wc
           JOIN workouts_category c ON c.id = wc.category_id
           LEFT JOIN workouts_category p ON p.id = c.parent_id
          WHERE wc.workout_id = w.id),
        (SELECT t.name FROM workouts_trainer t WHERE t.id = w.trainer_id))), 'B')
    || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(w.description, '')), 'C')
WHERE w.id = ANY(%s)
"""  # noqa: S608  (only a constant is interpolated)


def workouts_index_refresh(*, workout_ids: Iterable[Any]) -> None:
    """Recompute the search vector and category ids of the given workouts (one statement)."""
    ids = list(workout_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_INDEX_SQL, [ids])


def workout_save(*, workout: Workout, category_ids: Iterable[int] | None = None) -> Workout:
    """Validate and save a workout (and its categories), keeping its search vector and
    category ids current."""
    workout.full_clean()
    with transaction.atomic():
        workout.save()
        if category_ids is not None:
            workout.categories.set(list(category_ids))
        workouts_index_refresh(workout_ids=[workout.pk])
    return workout


def category_workouts_index_refresh(*, category: Category) -> None:
    """A category was renamed or moved: refresh the workouts in it or in its children."""
    ids = Workout.objects.filter(
        categories__in=Category.objects.filter(pk=category.pk)
        | Category.objects.filter(parent_id=category.pk)
    ).values_list("pk", flat=True)
    workouts_index_refresh(workout_ids=set(ids))


def categories_delete(*, categories: QuerySet[Category]) -> None:
    """Delete categories (a parent only once it has no children: PROTECT) and refresh the
    workouts that were in them."""
    with transaction.atomic():
        ids = set(Workout.objects.filter(categories__in=categories).values_list("pk", flat=True))
        categories.delete()
        workouts_index_refresh(workout_ids=ids)


def trainers_delete(*, trainers: QuerySet[Trainer]) -> None:
    """Delete trainers (their workouts keep going without one) and refresh those workouts."""
    with transaction.atomic():
        ids = set(Workout.objects.filter(trainer__in=trainers).values_list("pk", flat=True))
        trainers.delete()
        workouts_index_refresh(workout_ids=ids)


def trainer_workouts_index_refresh(*, trainer_id: int) -> None:
    ids = Workout.objects.filter(trainer_id=trainer_id).values_list("pk", flat=True)
    workouts_index_refresh(workout_ids=list(ids))


def _percent(videos: list[WorkoutVideo], positions: dict[str, Any]) -> int:
    total = sum(v.duration_seconds for v in videos)
    if not total:
        return 0
    watched = 0
    for video in videos:
        state = positions.get(str(video.pk))
        if not state:
            continue
        watched += (
            video.duration_seconds
            if state["completed"]
            else min(state["position_seconds"], video.duration_seconds)
        )
    if all(positions.get(str(v.pk), {}).get("completed") for v in videos):
        return 100
    return min(99, watched * 100 // total)


def workout_progress_record(
    *,
    user: Any,
    workout: Workout,
    video_id: Any,
    position_seconds: int,
    completed: bool,
) -> UserWorkoutProgress:
    """Record where the user is in one video of the workout.

    Positions only move forward (a retry with the same values changes nothing) and never past
    the video's end; a completed video stays completed. When every video is completed the
    workout is completed: ``completed_at`` is set and one WorkoutSession is recorded, once.
    """
    videos = list(WorkoutVideo.objects.filter(workout=workout).order_by("order_index"))
    video = next((v for v in videos if v.pk == video_id), None)
    if video is None:
        raise ValidationError(
            {"video_id": ["This video is not part of this workout."]},
            code=error_codes.VIDEO_NOT_IN_WORKOUT,
        )
    access = video_access(user=user, video=video, workout=workout)
    if not access.allowed:
        raise PermissionDenied(
            f"This video is locked ({access.reason}).", code=error_codes.VIDEO_LOCKED
        )
    if position_seconds > video.duration_seconds:
        raise ValidationError(
            {
                "position_seconds": [
                    f"The video is {video.duration_seconds} seconds long: progress cannot "
                    "exceed 100 %."
                ]
            },
            code=error_codes.POSITION_BEYOND_END,
        )
    with transaction.atomic():
        progress, _ = UserWorkoutProgress.objects.get_or_create(user=user, workout=workout)
        progress = UserWorkoutProgress.objects.select_for_update().get(pk=progress.pk)
        key = str(video.pk)
        before = progress.videos.get(key, {"position_seconds": 0, "completed": False})
        if before["completed"] and not completed:
            raise ValidationError(
                {"completed": ["This video is already completed; progress cannot go back."]},
                code=error_codes.PROGRESS_BACKWARDS,
            )
        if position_seconds < before["position_seconds"]:
            raise ValidationError(
                {
                    "position_seconds": [
                        f"Already at {before['position_seconds']} seconds; progress cannot go back."
                    ]
                },
                code=error_codes.PROGRESS_BACKWARDS,
            )
        after = {"position_seconds": position_seconds, "completed": completed}
        if after == before and progress.pk and key in progress.videos:
            return progress
        progress.videos = {**progress.videos, key: after}
        progress.progress_percent = _percent(videos, progress.videos)
        fields = ["videos", "progress_percent", "updated_at"]
        if progress.progress_percent == 100 and progress.completed_at is None:
            progress.completed_at = timezone.now()
            fields.append("completed_at")
            WorkoutSession.objects.create(
                user=user,
                workout=workout,
                completed_at=progress.completed_at,
                duration_seconds=sum(v.duration_seconds for v in videos),
            )
            Workout.objects.filter(pk=workout.pk).update(
                completions_count=F("completions_count") + 1
            )
        progress.save(update_fields=fields)
    return progress


def workout_rate(*, user: Any, workout: Workout, stars: int, text: str = "") -> WorkoutRating:
    """One rating per user and workout (a second call updates it); the workout's average and
    count are recomputed from the ratings in the same transaction, under a lock on the workout
    row so concurrent ratings cannot interleave their recomputes."""
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": ["Between 1 and 5."]})
    with transaction.atomic():
        Workout.objects.select_for_update().filter(pk=workout.pk).values_list("pk").first()
        rating, _ = WorkoutRating.objects.update_or_create(
            user=user, workout=workout, defaults={"stars": stars, "text": text}
        )
        totals = WorkoutRating.objects.filter(workout=workout).aggregate(
            average=Avg("stars"), count=Count("id")
        )
        Workout.objects.filter(pk=workout.pk).update(
            rating_average=round(totals["average"] or 0, 2), rating_count=totals["count"]
        )
    return rating
