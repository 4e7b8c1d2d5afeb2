"""Machine-readable error codes of the admin API (``errors[].code`` in the envelope).

The validation codes of catalogue writes (``unknown_category``, ``publish_at_past``, ...) are
the workouts app's, in ``workouts.error_codes``."""

from django.db.models import TextChoices

WORKOUT_HAS_ENTITLEMENTS = "workout_has_entitlements"


class ErrorCode409AdminWorkoutDeleteEnum(TextChoices):
    """The 409 of DELETE /api/admin/workouts/:id."""

    WORKOUT_HAS_ENTITLEMENTS = WORKOUT_HAS_ENTITLEMENTS
