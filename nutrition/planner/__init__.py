"""The meal-plan generator engines, as a pure package (no Django models inside).

* :func:`plan_generate` — our engine: a MILP per day over the recipe library and portions.
* :func:`plan_day_generate` — one day again (regenerate a day, swap a meal).
* :func:`portions_fit` — portions for meals already chosen, so the day meets its targets.
* :func:`plan_generate_openai` — the OpenAI engine (validated, recomputed and re-portioned by
  ours; falls back to ours), and :func:`openai_engine_available`.

Dataclasses in :mod:`nutrition.planner.types` cross the boundary; :class:`Infeasible` says
which constraint cannot be met and what would work instead.
"""

from .openai_engine import (
    FoodMatch,
    FoodResolver,
    OpenAIConfig,
    openai_engine_available,
    plan_generate_openai,
)
from .optimiser import plan_day_generate, plan_generate, plan_request_check, portions_fit
from .types import (
    DayResult,
    GeneratedMeal,
    Infeasible,
    IngredientLine,
    Nutrients,
    PlannedMeal,
    PlanRequest,
    PlanResult,
    RecipeOption,
    TokenUsage,
)

__all__ = [
    "DayResult",
    "FoodMatch",
    "FoodResolver",
    "GeneratedMeal",
    "Infeasible",
    "IngredientLine",
    "Nutrients",
    "OpenAIConfig",
    "PlanRequest",
    "PlanResult",
    "PlannedMeal",
    "RecipeOption",
    "TokenUsage",
    "openai_engine_available",
    "plan_day_generate",
    "plan_generate",
    "plan_generate_openai",
    "plan_request_check",
    "portions_fit",
]
