"""The catalogue in the admin dashboard (django-unfold) for content managers.

Saving goes through ``workouts.services`` so the search vector and category ids stay current:
a workout after its categories are saved, and every workout of a changed category or trainer.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

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


class WorkoutVideoInline(TabularInline):
    model = WorkoutVideo
    extra = 0
    ordering = ("order_index",)
    fields = (
        "order_index",
        "title",
        "duration_seconds",
        "access",
        "is_preview",
        "thumbnail",
        "media_key",
    )


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
