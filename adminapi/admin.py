from typing import Any

from django.contrib import admin
from unfold.admin import ModelAdmin

from adminapi.models import AdminAuditEvent


@admin.register(AdminAuditEvent)
class AdminAuditEventAdmin(ModelAdmin):
    """The admin API's audit trail: read-only."""

    list_display = ("created_at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("=object_id",)
    list_select_related = ("actor",)
    ordering = ("-created_at",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
