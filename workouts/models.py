"""The workout catalogue (categories, trainers, workouts, their videos) and what users do with it
(progress, completed sessions, ratings).

"Published" is a query, not a state a job flips: a workout is visible when its status is
published or scheduled and its ``publish_at`` has passed (``Workout.objects.published()``), so
scheduling needs no cron.

The rating and completion figures on a workout are denormalised for the list screen; only
``workouts.services`` writes them (an aggregate recompute or an ``F()`` increment in the same
transaction as the change they follow).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from workouts import error_codes
from workouts.choices import Difficulty, Equipment, Goal, Status, VideoAccess


class Category(models.Model):
    """A catalogue section; nested at most one level (Strength > Upper body)."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Leave empty for a top-level category. Only top-level categories can be "
        "parents (one level of nesting).",
    )
    # One level of nesting: clean() says so in the admin, and a trigger (migration 0002)
    # makes the database refuse it too (a CHECK constraint cannot see the parent row).
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ("order", "name")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="workouts_category_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} > {self.name}" if self.parent_id and self.parent else self.name

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": "A category cannot be its own parent."},
                code=error_codes.NESTING_TOO_DEEP,
            )
        if self.parent is not None and self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": "Categories nest one level only: choose a top-level parent."},
                code=error_codes.NESTING_TOO_DEEP,
            )
        if self.pk is not None and Category.objects.filter(parent_id=self.pk).exists():
            raise ValidationError(
                {"parent": "This category has sub-categories, so it must stay top-level."},
                code=error_codes.NESTING_TOO_DEEP,
            )


class Trainer(models.Model):
    name = models.CharField(max_length=120)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class WorkoutQuerySet(models.QuerySet["Workout"]):
    def published(self, *, now: Any = None) -> WorkoutQuerySet:
        return self.filter(
            status__in=(Status.PUBLISHED, Status.SCHEDULED),
            publish_at__lte=now or timezone.now(),
        )


class Workout(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    goal = models.CharField(max_length=24, choices=Goal.choices, default=Goal.GENERAL_FITNESS)
    difficulty = models.CharField(
        max_length=16, choices=Difficulty.choices, default=Difficulty.BEGINNER
    )
    categories = models.ManyToManyField(Category, related_name="workouts", blank=True)
    equipment = ArrayField(
        models.CharField(max_length=24, choices=Equipment.choices), default=list, blank=True
    )
    estimated_duration_seconds = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(6 * 3600)]
    )
    estimated_energy_kcal = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(5000)]
    )
    thumbnail = models.CharField(max_length=500, blank=True, help_text="cover image URL or path")
    is_premium = models.BooleanField(default=False)
    is_purchasable = models.BooleanField(
        default=False,
        help_text="A premium workout that can also be bought on its own (refusals then say "
        "`buy_workout` rather than `needs_premium`).",
    )
    is_featured = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a published or scheduled workout becomes visible (required unless draft).",
    )
    trainer = models.ForeignKey(
        Trainer, null=True, blank=True, on_delete=models.SET_NULL, related_name="workouts"
    )
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(default=0)
    completions_count = models.PositiveIntegerField(default=0)
    # Kept by workouts.services.workouts_index_refresh after every save of the workout or its
    # categories: the weighted search vector (title A, categories and trainer B, description
    # C), and the category ids (the categories plus their parents) so the list's category
    # filter is an array overlap on the row instead of a join.
    search_vector = SearchVectorField(null=True, editable=False)
    category_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkoutQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="workouts_status_publish_idx"),
            # The catalogue's default order (newest first) for published rows: a page reads
            # it in order and stops at its last row.
            models.Index(
                fields=["-publish_at", "id"],
                condition=Q(status__in=(Status.PUBLISHED, Status.SCHEDULED)),
                name="workouts_published_newest_idx",
            ),
            GinIndex(fields=["search_vector"], name="workouts_search_idx"),
            GinIndex(OpClass("title", name="gin_trgm_ops"), name="workouts_title_trgm_idx"),
            # The list's filters, any combination of them, in one index (scalar columns
            # through btree_gin, migration 0003): a filtered page visits only the matching
            # rows (its window count needs them all) instead of every row of its most
            # selective array filter.
            GinIndex(
                fields=[
                    "category_ids",
                    "equipment",
                    "difficulty",
                    "goal",
                    "is_premium",
                    "is_featured",
                    "estimated_duration_seconds",
                ],
                name="workouts_list_filters_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(publish_at__isnull=False),
                name="workouts_workout_publish_at_unless_draft",
            ),
            models.CheckConstraint(
                condition=Q(rating_average__gte=0) & Q(rating_average__lte=5),
                name="workouts_workout_rating_average_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.status != Status.DRAFT and self.publish_at is None:
            raise ValidationError({"publish_at": "Required to publish or schedule."})
        if self.is_purchasable and not self.is_premium:
            raise ValidationError({"is_purchasable": "Only premium workouts are sold alone."})
        unknown = set(self.equipment or []) - set(Equipment.values)
        if unknown:
            raise ValidationError({"equipment": f"Unknown: {', '.join(sorted(unknown))}."})


class WorkoutVideo(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="videos")
    order_index = models.PositiveIntegerField()
    title = models.CharField(max_length=160)
    duration_seconds = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    thumbnail = models.CharField(max_length=500, blank=True)
    access = models.CharField(max_length=8, choices=VideoAccess.choices, default=VideoAccess.FREE)
    is_preview = models.BooleanField(
        default=False, help_text="A free sample of a premium workout (typically its first video)."
    )
    asset = models.OneToOneField(
        "media.MediaAsset",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workout_video",
        help_text="the uploaded file and its renditions; none for a metadata-only video",
    )

    class Meta:
        ordering = ("workout", "order_index")
        constraints = [
            models.UniqueConstraint(
                fields=["workout", "order_index"], name="workouts_video_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__gte=1), name="workouts_video_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_index}. {self.title}"


class UserWorkoutProgress(models.Model):
    """Where a user is in a workout: per-video positions and the workout percentage.

    ``videos`` maps a video id to ``{"position_seconds": int, "completed": bool}``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workout_progress"
    )
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="progress")
    videos = models.JSONField(default=dict, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "user workout progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "workout"], name="workouts_progress_unique"),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="workouts_progress_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.workout_id} {self.progress_percent}%"


class WorkoutSession(models.Model):
    """One completed workout (what streaks, minutes trained and popularity count)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workout_sessions"
    )
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="sessions")
    completed_at = models.DateTimeField()
    duration_seconds = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["user", "-completed_at"], name="workouts_session_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.workout_id} {self.completed_at:%Y-%m-%d}"


class WorkoutRating(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workout_ratings"
    )
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="ratings")
    stars = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "workout"], name="workouts_rating_unique"),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="workouts_rating_stars_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workout_id}: {self.stars}"
