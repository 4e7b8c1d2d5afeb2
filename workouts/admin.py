"""The catalogue in the admin dashboard (django-unfold) for content managers.

Saving goes through ``workouts.services`` so the search vector and category ids stay current:
a workout after its categories are saved, and every workout of a changed category or trainer.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from rest_framework.exceptions import ValidationError as DRFValidationError
from unfold.admin import ModelAdmin, TabularInline
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from media import services as media_services
from media.selectors import asset_thumbnail_url
from workouts import services
from workouts.choices import Equipment
from workouts.models import Category, Trainer, Workout, WorkoutRating, WorkoutVideo


class WorkoutAdminForm(forms.ModelForm):
    equipment = forms.TypedMultipleChoiceField(
        choices=Equipment.choices, required=False, widget=UnfoldAdminCheckboxSelectMultipleWidget
    )

    class Meta:
        model = Workout
        fields = (
            "title",
            "slug",
            "description",
            "thumbnail",
            "trainer",
            "categories",
            "goal",
            "difficulty",
            "equipment",
            "estimated_duration_seconds",
            "estimated_energy_kcal",
            "is_premium",
            "is_purchasable",
            "is_featured",
            "status",
            "publish_at",
        )


def _thumbnail_html(video: WorkoutVideo | None, height: int = 48) -> str:
    url = asset_thumbnail_url(asset=video.asset if video else None, base_url="/")
    if not url:
        return "-"
    return format_html('<img src="{}" alt="" style="height:{}px;border-radius:4px">', url, height)


def _media_state(video: WorkoutVideo | None) -> str:
    asset = video.asset if video else None
    if asset is None:
        return "no file"
    if asset.status == "failed":
        return format_html("failed: {}", asset.failure_reason)
    return str(asset.get_status_display())


class WorkoutVideoInline(TabularInline):
    model = WorkoutVideo
    extra = 0
    ordering = ("order_index",)
    show_change_link = True  # the video's own page takes the file upload
    fields = (
        "order_index",
        "title",
        "duration_seconds",
        "access",
        "is_preview",
        "thumbnail",
        "media_state",
        "thumbnail_preview",
    )
    readonly_fields = ("media_state", "thumbnail_preview")

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).select_related("asset")

    @admin.display(description="file")
    def media_state(self, obj: WorkoutVideo) -> str:
        return _media_state(obj)

    @admin.display(description="preview")
    def thumbnail_preview(self, obj: WorkoutVideo) -> str:
        return _thumbnail_html(obj)


class WorkoutVideoAdminForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        label="Video file",
        help_text="MP4, MOV, WebM... up to the direct-upload limit (200 MiB by default). It is "
        "checked, then transcoded in the background; this page shows the progress. Uploading "
        "a new file replaces the old one. Duration is taken from the file when left empty.",
    )
    duration_seconds = forms.IntegerField(min_value=1, required=False)

    class Meta:
        model = WorkoutVideo
        fields = ("workout", "order_index", "title", "duration_seconds", "access", "is_preview")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            # Checked in full here so that a refused file is a form error, not a crash.
            try:
                checked = media_services.upload_check(upload=upload, field="upload")
            except DRFValidationError as exc:
                raise forms.ValidationError({"upload": _drf_messages(exc)}) from exc
            data.setdefault("duration_seconds", None)
            data["duration_seconds"] = data["duration_seconds"] or checked.duration_whole_seconds
            data["checked_upload"] = checked
        elif not data.get("duration_seconds"):
            self.add_error("duration_seconds", "Required without a video file.")
        return data


def _drf_messages(exc: DRFValidationError) -> list[str]:
    detail = exc.detail
    if isinstance(detail, dict):
        return [str(m) for messages in detail.values() for m in messages]
    return [str(m) for m in detail]


@admin.register(WorkoutVideo)
class WorkoutVideoAdmin(ModelAdmin):
    """A video's page: its metadata and its file (upload, processing state, thumbnail)."""

    form = WorkoutVideoAdminForm
    list_display = ("title", "workout", "order_index", "access", "media_state", "thumbnail_preview")
    list_filter = ("access", "asset__status")
    search_fields = ("title", "workout__title")
    list_select_related = ("workout", "asset")
    autocomplete_fields = ("workout",)
    readonly_fields = ("media_state", "media_details", "thumbnail_large")
    fields = (
        "workout",
        "order_index",
        "title",
        "duration_seconds",
        "access",
        "is_preview",
        "upload",
        "media_state",
        "media_details",
        "thumbnail_large",
    )
    actions = ("reprocess",)

    @admin.display(description="file")
    def media_state(self, obj: WorkoutVideo) -> str:
        return _media_state(obj)

    @admin.display(description="preview")
    def thumbnail_preview(self, obj: WorkoutVideo) -> str:
        return _thumbnail_html(obj)

    @admin.display(description="thumbnail")
    def thumbnail_large(self, obj: WorkoutVideo) -> str:
        return _thumbnail_html(obj, height=180)

    @admin.display(description="details")
    def media_details(self, obj: WorkoutVideo) -> str:
        asset = obj.asset
        if asset is None or asset.duration_seconds is None:
            return "-"
        renditions = ", ".join(r["name"] for r in asset.renditions) or "none yet"
        return (
            f"{asset.original_filename}: {asset.width}x{asset.height}, "
            f"{asset.duration_seconds:.1f} s, {asset.size_bytes or 0:,} bytes; "
            f"renditions: {renditions}"
        )

    def save_model(self, request: Any, obj: WorkoutVideo, form: Any, change: bool) -> None:
        checked = form.cleaned_data.get("checked_upload")
        data = {
            "title": obj.title,
            "order_index": obj.order_index,
            "duration_seconds": form.cleaned_data["duration_seconds"],
            "access": obj.access,
            "is_preview": obj.is_preview,
            "thumbnail": obj.thumbnail,
        }
        stored = (
            media_services.asset_stored(checked=checked, actor=request.user)
            if checked is not None
            else nullcontext()
        )
        try:
            with stored as asset:
                if asset is not None:
                    data["asset_id"] = asset.pk
                if change:
                    saved = services.workout_video_update(
                        video=WorkoutVideo.objects.get(pk=obj.pk), **data
                    )
                else:
                    saved = services.workout_video_create(workout_id=obj.workout_id, **data)
        finally:
            if checked is not None:
                checked.close()
        obj.pk = saved.pk

    def delete_model(self, request: Any, obj: WorkoutVideo) -> None:
        services.workout_video_delete(video=obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for video in queryset:
            services.workout_video_delete(video=video)

    @admin.action(description="Process the selected videos' files again")
    def reprocess(self, request: Any, queryset: Any) -> None:
        count = sum(
            media_services.asset_reprocess(asset=video.asset)
            for video in queryset.select_related("asset")
            if video.asset is not None
        )
        self.message_user(request, f"{count} file(s) queued for processing.")


@admin.register(Workout)
class WorkoutAdmin(ModelAdmin):
    form = WorkoutAdminForm
    inlines = (WorkoutVideoInline,)
    list_display = (
        "title",
        "status",
        "publish_at",
        "difficulty",
        "goal",
        "is_premium",
        "is_featured",
        "rating_average",
        "completions_count",
    )
    list_filter = ("status", "difficulty", "goal", "is_premium", "is_featured", "categories")
    search_fields = ("title", "slug", "trainer__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("trainer",)
    filter_horizontal = ("categories",)
    list_select_related = ("trainer",)
    date_hierarchy = "publish_at"
    ordering = ("-publish_at", "title")
    readonly_fields = (
        "rating_average",
        "rating_count",
        "completions_count",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "description", "thumbnail", "trainer")}),
        (
            "Catalogue",
            {
                "fields": (
                    "categories",
                    "goal",
                    "difficulty",
                    "equipment",
                    "estimated_duration_seconds",
                    "estimated_energy_kcal",
                )
            },
        ),
        ("Access", {"fields": ("is_premium", "is_purchasable", "is_featured")}),
        (
            "Publishing",
            {
                "fields": ("status", "publish_at"),
                "description": "Scheduled workouts appear by themselves once the publish "
                "time has passed.",
            },
        ),
        (
            "Figures",
            {
                "fields": (
                    "rating_average",
                    "rating_count",
                    "completions_count",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.workouts_index_refresh(workout_ids=[form.instance.pk])


@admin.register(Category)
class CategoryAdmin(ModelAdmin):
    list_display = ("name", "slug", "parent", "order")
    list_filter = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("parent__order", "order", "name")

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: Any, obj: Category, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            services.category_workouts_index_refresh(category=obj)

    def delete_model(self, request: Any, obj: Category) -> None:
        self.delete_queryset(request, Category.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        services.categories_delete(categories=queryset)


@admin.register(Trainer)
class TrainerAdmin(ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)

    def save_model(self, request: Any, obj: Trainer, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            services.trainer_workouts_index_refresh(trainer_id=obj.pk)

    def delete_model(self, request: Any, obj: Trainer) -> None:
        self.delete_queryset(request, Trainer.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        services.trainers_delete(trainers=queryset)


@admin.register(WorkoutRating)
class WorkoutRatingAdmin(ModelAdmin):
    """Ratings are the users' words: readable here, never edited."""

    list_display = ("workout", "user", "stars", "updated_at")
    list_filter = ("stars",)
    search_fields = ("workout__title", "user__email")
    list_select_related = ("workout", "user")
    readonly_fields = ("workout", "user", "stars", "text", "created_at", "updated_at")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
