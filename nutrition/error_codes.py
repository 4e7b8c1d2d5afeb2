"""Machine-readable error codes of the nutrition app (``errors[].code`` in the envelope)."""

from django.db.models import TextChoices

NUTRIENTS_INCONSISTENT = "nutrients_inconsistent"
MACROS_INCONSISTENT = "macros_inconsistent"
UNKNOWN_FOOD = "unknown_food"
UNKNOWN_RECIPE = "unknown_recipe"
PLAN_INFEASIBLE = "plan_infeasible"
PLAN_NOT_READY = "plan_not_ready"
PLAN_CANCELLED = "plan_cancelled"
OUT_OF_RANGE = "out_of_range"
ENGINE_UNAVAILABLE = "engine_unavailable"


class ErrorCode422PlanEnum(TextChoices):
    """The 422 of the generator: the constraint that cannot be met (``attr`` names it)."""

    PLAN_INFEASIBLE = PLAN_INFEASIBLE
