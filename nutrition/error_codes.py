"""Machine-readable error codes of the nutrition app (``errors[].code`` in the envelope)."""

from django.db.models import TextChoices

NUTRIENTS_INCONSISTENT = "nutrients_inconsistent"
UNKNOWN_FOOD = "unknown_food"
UNKNOWN_CATEGORY = "unknown_category"


class ErrorCode400FoodEnum(TextChoices):
    NUTRIENTS_INCONSISTENT = NUTRIENTS_INCONSISTENT
