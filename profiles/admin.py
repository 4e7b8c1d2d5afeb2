from django import forms
from django.contrib import admin
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from .choices import Allergen, Cuisine
from .models import Profile, UserSettings


class ProfileAdminForm(forms.ModelForm):
    """Lists of fixed choices as checkboxes (the default is comma-separated text)."""

    allergies = forms.TypedMultipleChoiceField(
        choices=Allergen.choices, required=False, widget=UnfoldAdminCheckboxSelectMultipleWidget
    )
    liked_cuisines = forms.TypedMultipleChoiceField(
        choices=Cuisine.choices, required=False, widget=UnfoldAdminCheckboxSelectMultipleWidget
    )

    class Meta:
        model = Profile
        fields = (
            "user",
            "date_of_birth",
            "sex",
            "height_cm",
            "weight_kg",
            "activity_level",
            "goal",
            "target_weight_kg",
            "weekly_pace_kg",
            "diet_type",
            "allergies",
            "excluded_foods",
            "liked_cuisines",
        )


class UserOwnedAdmin(ModelAdmin):
    """A row per user: found by the user's email; the user is chosen once, on creation."""

    search_fields = ("user__email",)
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
    ordering = ("-updated_at",)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return ("user", *fields) if obj is not None else fields


@admin.register(Profile)
class ProfileAdmin(UserOwnedAdmin):
    form = ProfileAdminForm
    list_display = ("user", "sex", "goal", "activity_level", "diet_type", "updated_at")
    list_filter = ("goal", "activity_level", "sex", "diet_type")
    fieldsets = (
        (None, {"fields": ("user",)}),
        ("Body", {"fields": ("date_of_birth", "sex", "height_cm", "weight_kg", "activity_level")}),
        ("Goal", {"fields": ("goal", "target_weight_kg", "weekly_pace_kg")}),
        (
            "Food",
            {"fields": ("diet_type", "allergies", "excluded_foods", "liked_cuisines")},
        ),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(UserSettings)
class UserSettingsAdmin(UserOwnedAdmin):
    list_display = ("user", "unit_system", "time_zone", "language", "profile_visibility")
    list_filter = (
        "unit_system",
        "language",
        "week_start",
        "profile_visibility",
        "analytics_opt_in",
        "personalized_ads",
    )
