"""Machine-readable error codes of the workouts app (``errors[].code`` in the envelope)."""

from django.db.models import TextChoices

VIDEO_NOT_IN_WORKOUT = "video_not_in_workout"
PROGRESS_BACKWARDS = "progress_backwards"
POSITION_BEYOND_END = "position_beyond_end"
VIDEO_LOCKED = "video_locked"
NESTING_TOO_DEEP = "nesting_too_deep"


class ErrorCode403WorkoutProgressEnum(TextChoices):
    """The 403s of POST /api/workouts/:id/progress."""

    VIDEO_LOCKED = VIDEO_LOCKED
    PERMISSION_DENIED = "permission_denied"


# The admin API (catalogue management).
PUBLISH_AT_PAST = "publish_at_past"
UNKNOWN_CATEGORY = "unknown_category"
UNKNOWN_TRAINER = "unknown_trainer"
UNKNOWN_WORKOUT = "unknown_workout"
ORDER_INDEX_TAKEN = "order_index_taken"
