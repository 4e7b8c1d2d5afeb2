"""Entitlements: the one record that says a user may watch premium content.

An admin grants them now (``source=admin_grant``); the Payments issue adds subscriptions and
purchases as further sources of the same record, so the question "may this user play this?"
stays in ``billing.entitlements``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Entitlement(models.Model):
    class Kind(models.TextChoices):
        PREMIUM = "premium", "Premium (everything)"
        WORKOUT = "workout", "One workout"

    class Source(models.TextChoices):
        ADMIN_GRANT = "admin_grant", "Granted by an admin"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    workout = models.ForeignKey(
        "workouts.Workout",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entitlements",
        help_text="The workout, for a one-workout entitlement.",
    )
    valid_until = models.DateTimeField(
        null=True, blank=True, help_text="Empty: no end (a lifetime grant or a purchase)."
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ADMIN_GRANT)
    note = models.CharField(max_length=200, blank=True, help_text="why it was granted")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "kind"], name="billing_entitlement_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="workout") & Q(workout__isnull=False))
                | (Q(kind="premium") & Q(workout__isnull=True)),
                name="billing_entitlement_workout_iff_kind_workout",
            ),
        ]

    def __str__(self) -> str:
        target = f"workout {self.workout_id}" if self.workout_id else "premium"
        return f"{self.user} - {target}"

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.WORKOUT and self.workout_id is None:
            raise ValidationError({"workout": "Choose the workout this entitlement unlocks."})
        if self.kind == self.Kind.PREMIUM and self.workout_id is not None:
            raise ValidationError({"workout": "A premium entitlement covers every workout."})
