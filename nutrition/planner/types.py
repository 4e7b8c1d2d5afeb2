"""The planner's boundary: plain dataclasses in, plain dataclasses out (no Django models).

Vocabulary (the values of ``profiles.choices``):

* diets: ``omnivore``, ``vegetarian``, ``vegan``, ``pescatarian``, ``keto``, ``paleo``,
  ``mediterranean``, ``gluten_free``, ``dairy_free``;
* allergens: ``milk``, ``egg``, ``fish``, ``shellfish``, ``tree_nuts``, ``peanuts``,
  ``wheat_gluten``, ``soy``, ``sesame``;
* meal types: ``breakfast``, ``lunch``, ``dinner``, ``snack``.

Recipe tags in the library's spelling (``gluten-free``, ``keto-friendly``) are accepted too:
:func:`nutrition.planner.rules.normalise_tag` maps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

MEAL_TYPES = ("breakfast", "lunch", "dinner", "snack")
MealType = Literal["breakfast", "lunch", "dinner", "snack"]

# Day tolerances: the figures. Relative to the day's target.
KCAL_TOLERANCE = 0.05
MACRO_TOLERANCE = 0.10
# Portions: a recipe is served at 0.5 to 2.5 servings, in quarter servings.
MIN_SERVINGS = 0.5
MAX_SERVINGS = 2.5
SERVING_STEP = 0.25
# A recipe used on day d is not used again on days d+1 and d+2.
NO_REPEAT_DAYS = 3

MIN_DAYS, MAX_DAYS = 1, 14
MIN_MEALS, MAX_MEALS = 3, 6

NUTRIENTS = ("kcal", "protein_g", "carbs_g", "fat_g")


@dataclass(frozen=True)
class Nutrients:
    kcal: float
    protein_g: float
    carbs_g: float
    fat_g: float

    def scaled(self, factor: float) -> Nutrients:
        return Nutrients(
            self.kcal * factor, self.protein_g * factor, self.carbs_g * factor, self.fat_g * factor
        )

    def __add__(self, other: Nutrients) -> Nutrients:
        return Nutrients(
            self.kcal + other.kcal,
            self.protein_g + other.protein_g,
            self.carbs_g + other.carbs_g,
            self.fat_g + other.fat_g,
        )

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.kcal, self.protein_g, self.carbs_g, self.fat_g)


ZERO = Nutrients(0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class RecipeOption:
    """One recipe as the solver sees it. ``per_serving`` is computed from the foods."""

    id: int
    slug: str
    meal_types: frozenset[str]
    prep_minutes: int
    per_serving: Nutrients
    tags: frozenset[str] = frozenset()  # diets the recipe fits (and other tags, ignored)
    allergens: frozenset[str] = frozenset()
    food_ids: frozenset[str] = frozenset()
    cuisine: str = ""
    title: str = ""


@dataclass(frozen=True)
class PlanRequest:
    days: int
    meals_per_day: int
    kcal: float
    protein_g: float
    carbs_g: float
    fat_g: float
    diet: str = "omnivore"
    allergies: frozenset[str] = frozenset()
    excluded_food_ids: frozenset[str] = frozenset()
    cuisines: frozenset[str] = frozenset()  # empty: any cuisine
    max_prep_minutes: int | None = None

    @property
    def targets(self) -> Nutrients:
        return Nutrients(self.kcal, self.protein_g, self.carbs_g, self.fat_g)


@dataclass(frozen=True)
class IngredientLine:
    """An ingredient of a generated (OpenAI) meal, mapped to our food table, at plan grams."""

    food_id: str
    name: str  # our food's name
    asked_as: str  # what the model called it
    grams: float


@dataclass(frozen=True)
class GeneratedMeal:
    """A meal the model invented (not a library recipe): our foods, our numbers."""

    name: str
    description: str
    cuisine: str
    prep_minutes: int
    steps: tuple[str, ...]
    ingredients: tuple[IngredientLine, ...]  # for the planned portion (servings applied)


@dataclass(frozen=True)
class PlannedMeal:
    day: int  # 1-based
    slot: int  # 0-based position in the day
    meal_type: str
    recipe_id: int | None  # None for a generated meal
    servings: float  # multiplier of the recipe's serving (or of the generated meal)
    nutrients: Nutrients  # for these servings
    generated: GeneratedMeal | None = None


@dataclass(frozen=True)
class DayResult:
    day: int
    meals: tuple[PlannedMeal, ...]
    totals: Nutrients
    targets: Nutrients
    # (total - target) / target per nutrient: kcal within +-0.05, macros within +-0.10
    deviation: dict[str, float]

    @property
    def within_tolerance(self) -> bool:
        return abs(self.deviation["kcal"]) <= KCAL_TOLERANCE + 1e-9 and all(
            abs(self.deviation[name]) <= MACRO_TOLERANCE + 1e-9 for name in NUTRIENTS[1:]
        )


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.total_tokens + other.total_tokens,
        )


@dataclass(frozen=True)
class PlanResult:
    engine: Literal["optimiser", "openai"]  # the engine that produced the meals
    days: tuple[DayResult, ...]
    seed: int
    requested_engine: Literal["optimiser", "openai"] = "optimiser"
    fallback_reason: str | None = None  # set when OpenAI was asked and our engine answered
    usage: TokenUsage = field(default_factory=TokenUsage)
    attempts: int = 0  # OpenAI answers asked for (0 for the optimiser)
    model: str | None = None
    notes: tuple[str, ...] = ()  # repairs made to a generated plan (dropped ingredients...)

    @property
    def meals(self) -> tuple[PlannedMeal, ...]:
        return tuple(meal for day in self.days for meal in day.meals)


# Which constraint an Infeasible names (stable codes for the API's 422).
InfeasibleConstraint = Literal[
    "days",
    "meals_per_day",
    "targets",  # the targets themselves are inconsistent (macros vs calories)
    "diet",
    "allergies",
    "excluded_foods",
    "cuisines",
    "max_prep_minutes",
    "recipes",  # the library has no recipe for a meal type at all
    "variety",  # not enough distinct recipes for no repeat within three days
    "kcal",
    "protein_g",
    "carbs_g",
    "fat_g",
]


class Infeasible(Exception):
    """The request cannot be met. ``constraint`` names the one to relax (``attr`` is the
    request field for the API's error), ``suggestion`` says how."""

    def __init__(
        self,
        constraint: InfeasibleConstraint,
        message: str,
        suggestion: str,
        *,
        day: int | None = None,
        meal_type: str | None = None,
    ) -> None:
        super().__init__(f"{message}; {suggestion}" if suggestion else message)
        self.constraint: InfeasibleConstraint = constraint
        self.message = message
        self.suggestion = suggestion
        self.day = day
        self.meal_type = meal_type

    @property
    def attr(self) -> str:
        """The request field to relax (the API's ``errors[].attr``)."""
        return {
            "kcal": "kcal",
            "protein_g": "protein_g",
            "carbs_g": "carbs_g",
            "fat_g": "fat_g",
            "targets": "kcal",
            "excluded_foods": "excluded_foods",
            "recipes": "meals_per_day",
            "variety": "days",
        }.get(self.constraint, self.constraint)
