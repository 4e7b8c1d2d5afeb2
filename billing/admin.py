from django.contrib import admin
from unfold.admin import ModelAdmin

from .models import Entitlement


@admin.register(Entitlement)
class EntitlementAdmin(ModelAdmin):
    """Grant premium (until a date, or for good) or one workout to a user."""

    list_display = ("user", "kind", "workout", "valid_until", "source", "created_at")
    list_filter = ("kind", "source", "valid_until")
    search_fields = ("user__email", "workout__title")
    list_select_related = ("user", "workout")
    autocomplete_fields = ("user", "workout")
    readonly_fields = ("source", "created_at")
    fields = ("user", "kind", "workout", "valid_until", "note", "source", "created_at")
    ordering = ("-created_at",)
