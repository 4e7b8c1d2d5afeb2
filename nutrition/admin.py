"""Foods, recipes, templates and plans in the admin dashboard (django-unfold).

The USDA table and the recipe library are data files loaded by management commands
(``import_usda``, ``load_recipes``), so their rows are read-only here; a recipe's derived
nutrients, tags and allergens are recomputed with ``nutrition.services`` after an edit of
its ingredients.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin, TabularInline

from nutrition.models import (
    Food,
    Meal,
    MealPlan,
    MealPlanAuditEvent,
    MealPlanTemplate,
    Portion,
    Recipe,
    RecipeIngredient,
)
from nutrition.services import recipe_nutrients_refresh


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PortionInline(ReadOnlyInline):
    model = Portion
    fields = ("seq", "label", "grams", "is_serving")


@admin.register(Food)
class FoodAdmin(ModelAdmin):
    list_display = ("name", "category", "source", "fdc_id", "energy_kcal", "protein_g")
    list_filter = ("source", "dataset")
    search_fields = ("name", "fdc_id")
    readonly_fields = [f.name for f in Food._meta.fields if f.name != "search_vector"]
    exclude = ("search_vector",)
    inlines = (PortionInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecipeIngredientInline(TabularInline):
    model = RecipeIngredient
    extra = 0
    autocomplete_fields = ("food",)
    fields = ("position", "food", "grams", "note")


@admin.register(Recipe)
class RecipeAdmin(ModelAdmin):
    list_display = ("title", "cuisine", "prep_minutes", "servings", "energy_kcal", "is_active")
    list_filter = ("is_active", "cuisine")
    search_fields = ("title", "slug")
    readonly_fields = (
        "serving_grams",
        "energy_kcal",
        "protein_g",
        "carbs_g",
        "fat_g",
        "fiber_g",
        "sugar_g",
        "sat_fat_g",
        "sodium_mg",
        "tags",
        "allergens",
    )
    inlines = (RecipeIngredientInline,)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        recipe_nutrients_refresh(recipe_ids=[form.instance.pk])


@admin.register(MealPlanTemplate)
class MealPlanTemplateAdmin(ModelAdmin):
    list_display = ("name", "diet", "calories_kcal", "meals_per_day")
    list_filter = ("diet",)


class MealInline(ReadOnlyInline):
    model = Meal
    fields = ("day", "slot", "mealtime", "name", "servings")


@admin.register(MealPlan)
class MealPlanAdmin(ModelAdmin):
    """Support reads plans (ids only in the list: no names of people)."""

    list_display = ("id", "status", "engine", "start_date", "days", "kcal", "created_at")
    list_filter = ("status", "engine")
    readonly_fields = [f.name for f in MealPlan._meta.fields]
    inlines = (MealInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MealPlanAuditEvent)
class MealPlanAuditEventAdmin(ModelAdmin):
    """The plans' audit trail: written by the services, never by hand."""

    list_display = ("created_at", "action", "plan_id", "from_status", "to_status", "actor")
    list_filter = ("action",)
    search_fields = ("plan_id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
