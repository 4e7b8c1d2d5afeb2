"""The audit trail of the admin API: who changed which catalogue object, and how.

Ids only (the actor's user id, the object's id), never copies of personal data or content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AdminAuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    class ObjectType(models.TextChoices):
        WORKOUT = "workout", "Workout"
        VIDEO = "video", "Workout video"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty once the acting account is deleted.",
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    object_type = models.CharField(max_length=16, choices=ObjectType.choices)
    object_id = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="adminapi_audit_object_idx")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.object_type} {self.object_id}"
