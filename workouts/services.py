"""Writes of the workouts app: saving catalogue content (and its search vector), recording
progress, rating. Each use case is one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.utils import timezone
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError

from billing.entitlements import video_access
from media import services as media_services
from workouts import error_codes
from workouts.choices import Status
from workouts.models import (
    Category,
    Trainer,
    UserWorkoutProgress,
    Workout,
    WorkoutRating,
    WorkoutSession,
    WorkoutVideo,
)
from workouts.selectors import CATALOGUE_VERSION_KEY, SEARCH_CONFIG

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


def catalogue_changed() -> None:
    """Start a new catalogue version once the write commits: cached list pages of the old one
    are no longer read (before the commit a reader could cache the old rows under the new
    version)."""
    transaction.on_commit(lambda: cache.delete(CATALOGUE_VERSION_KEY))


def workouts_index_refresh(*, workout_ids: Iterable[Any]) -> None:
    """Recompute the search vector and category ids of the given workouts (one statement)."""
    ids = list(workout_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_INDEX_SQL, [ids])
    catalogue_changed()


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


# --- Catalogue management (the admin API, /api/admin/workouts and /api/admin/videos) ---------


def _field_errors(exc: DjangoValidationError) -> dict[str, list[ErrorDetail]]:
    """A model's ``full_clean`` errors as DRF details by field, codes kept."""
    return {
        ("non_field_errors" if name == NON_FIELD_ERRORS else name): [
            ErrorDetail(message, code=error.code or "invalid")
            for error in errors
            for message in error.messages
        ]
        for name, errors in exc.error_dict.items()
    }


def _category_ids_for_refs(refs: Iterable[int | str]) -> list[int]:
    """Category ids for a list of ids (integers) and slugs (strings); 400 on ``categories``
    naming the unknown ones. One query."""
    refs = list(refs)
    ids = {ref for ref in refs if isinstance(ref, int)}
    slugs = {ref for ref in refs if isinstance(ref, str)}
    found = list(
        Category.objects.filter(Q(pk__in=ids) | Q(slug__in=slugs)).values_list("pk", "slug")
    )
    known_ids = {pk for pk, _ in found}
    known_slugs = {slug for _, slug in found}
    unknown = [str(ref) for ref in refs if ref not in known_ids and ref not in known_slugs]
    if unknown:
        raise ValidationError(
            {"categories": [f"Unknown category: {', '.join(unknown)}."]},
            code=error_codes.UNKNOWN_CATEGORY,
        )
    return sorted(known_ids)


def _workout_write(
    *,
    workout: Workout,
    previous: tuple[str, Any] | None,
    fields: dict[str, Any],
    category_refs: Iterable[int | str],
    trainer_id: int | None,
) -> Workout:
    for name, value in fields.items():
        setattr(workout, name, value)
    workout.trainer_id = trainer_id
    if (
        workout.status == Status.SCHEDULED
        and workout.publish_at is not None
        and workout.publish_at <= timezone.now()
        and previous != (workout.status, workout.publish_at)
    ):
        raise ValidationError(
            {"publish_at": ["A scheduled workout needs a publish time in the future."]},
            code=error_codes.PUBLISH_AT_PAST,
        )
    if trainer_id is not None and not Trainer.objects.filter(pk=trainer_id).exists():
        raise ValidationError(
            {"trainer": [f"Unknown trainer: {trainer_id}."]}, code=error_codes.UNKNOWN_TRAINER
        )
    category_ids = _category_ids_for_refs(category_refs)
    try:
        workout.full_clean(exclude=["search_vector", "category_ids"])
    except DjangoValidationError as exc:
        raise ValidationError(_field_errors(exc)) from exc
    try:
        with transaction.atomic():
            workout.save()
            workout.categories.set(category_ids)
            workouts_index_refresh(workout_ids=[workout.pk])
    except IntegrityError as exc:  # a concurrent write took the slug between check and save
        raise ValidationError(
            {"slug": ["A workout with this slug already exists."]}, code="unique"
        ) from exc
    return workout


def workout_create(
    *, fields: dict[str, Any], category_refs: Iterable[int | str], trainer_id: int | None
) -> Workout:
    """Create a workout of any status (draft, scheduled with a future ``publish_at``,
    published) with its categories (ids or slugs) and trainer; its search vector is built in
    the same transaction."""
    return _workout_write(
        workout=Workout(),
        previous=None,
        fields=fields,
        category_refs=category_refs,
        trainer_id=trainer_id,
    )


def workout_replace(
    *,
    workout: Workout,
    fields: dict[str, Any],
    category_refs: Iterable[int | str],
    trainer_id: int | None,
) -> Workout:
    """Replace a workout's editable fields, categories and trainer. Keeping an already passed
    schedule unchanged is allowed; setting a new one in the past is not."""
    previous = (workout.status, workout.publish_at)
    return _workout_write(
        workout=workout,
        previous=previous,
        fields=fields,
        category_refs=category_refs,
        trainer_id=trainer_id,
    )


def workout_lock(*, workout_id: Any) -> None:
    """Lock a workout's row until the caller's transaction ends (a check that must hold until
    a write, e.g. "nobody bought it" before a delete: a new entitlement row referencing the
    workout waits for the lock)."""
    Workout.objects.select_for_update().filter(pk=workout_id).values_list("pk").first()


def workout_delete(*, workout: Workout) -> None:
    """Delete a workout and, by cascade, its videos and what users did with it; the videos'
    media files go once the deletion commits."""
    with transaction.atomic():
        asset_ids = list(
            WorkoutVideo.objects.filter(workout=workout, asset__isnull=False).values_list(
                "asset_id", flat=True
            )
        )
        workout.delete()
        catalogue_changed()
        for asset_id in asset_ids:
            media_services.asset_delete(asset_id=asset_id)


def _locked_workout(workout_id: Any) -> Workout:
    """The workout row, locked so that video writes of one workout run one at a time; 400 on
    ``workout`` when there is none."""
    workout = Workout.objects.select_for_update().defer("search_vector").filter(pk=workout_id)
    found = workout.first()
    if found is None:
        raise ValidationError({"workout": ["No such workout."]}, code=error_codes.UNKNOWN_WORKOUT)
    return found


def _video_clean(video: WorkoutVideo) -> None:
    try:
        video.full_clean()
    except DjangoValidationError as exc:
        raise ValidationError(_field_errors(exc)) from exc


def workout_video_create(
    *,
    workout_id: Any,
    title: str,
    order_index: int,
    duration_seconds: int,
    access: str,
    is_preview: bool,
    thumbnail: str = "",
    asset_id: Any = None,
) -> WorkoutVideo:
    """Add a video to a workout at a free ``order_index`` (a taken one is a 400: move the other
    video first, or PUT a swap), with its media asset when a file came with it."""
    with transaction.atomic():
        workout = _locked_workout(workout_id)
        if WorkoutVideo.objects.filter(workout=workout, order_index=order_index).exists():
            raise ValidationError(
                {"order_index": [f"Position {order_index} is taken in this workout."]},
                code=error_codes.ORDER_INDEX_TAKEN,
            )
        video = WorkoutVideo(
            workout=workout,
            title=title,
            order_index=order_index,
            duration_seconds=duration_seconds,
            access=access,
            is_preview=is_preview,
            thumbnail=thumbnail,
            asset_id=asset_id,
        )
        _video_clean(video)
        video.save()
        workouts_index_refresh(workout_ids=[workout.pk])
    return video


def workout_video_update(
    *,
    video: WorkoutVideo,
    title: str,
    order_index: int,
    duration_seconds: int,
    access: str,
    is_preview: bool,
    thumbnail: str = "",
    asset_id: Any = None,
) -> WorkoutVideo:
    """Replace a video's metadata (and its media, when ``asset_id`` names a new asset: the old
    one's files are deleted after commit). Moving it to a position another video of the
    workout holds swaps the two, in one transaction (the unique position constraint is checked per
    statement, so the moving video is parked past the end first)."""
    with transaction.atomic():
        _locked_workout(video.workout_id)
        siblings = WorkoutVideo.objects.filter(workout_id=video.workout_id)
        current = siblings.get(pk=video.pk)
        if order_index != current.order_index:
            other = siblings.filter(order_index=order_index).exclude(pk=video.pk).first()
            if other is not None:
                parked = (siblings.aggregate(top=Max("order_index"))["top"] or 0) + 1
                siblings.filter(pk=video.pk).update(order_index=parked)
                siblings.filter(pk=other.pk).update(order_index=current.order_index)
        video.title = title
        video.order_index = order_index
        video.duration_seconds = duration_seconds
        video.access = access
        video.is_preview = is_preview
        video.thumbnail = thumbnail
        replaced = None
        if asset_id is not None and asset_id != current.asset_id:
            replaced, video.asset_id = current.asset_id, asset_id
        _video_clean(video)
        video.save()
        if replaced is not None:
            media_services.asset_delete(asset_id=replaced)
        workouts_index_refresh(workout_ids=[video.workout_id])
    return video


def workout_video_delete(*, video: WorkoutVideo) -> None:
    """Delete a video; its media asset and files go too (the files once this commits)."""
    with transaction.atomic():
        workout_id, asset_id = video.workout_id, video.asset_id
        video.delete()
        if asset_id is not None:
            media_services.asset_delete(asset_id=asset_id)
        workouts_index_refresh(workout_ids=[workout_id])
