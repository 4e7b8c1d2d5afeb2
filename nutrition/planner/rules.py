"""Hard rules applied before any solving: which recipes a request may use at all, and the
day's slots. A recipe that fails a rule never reaches the solver, so a plan cannot violate
a diet, an allergy, an excluded food, the cuisines or the prep time.
"""

from __future__ import annotations

from collections.abc import Iterable

from .types import PlanRequest, RecipeOption

DIETS = (
    "omnivore",
    "vegetarian",
    "vegan",
    "pescatarian",
    "keto",
    "paleo",
    "mediterranean",
    "gluten_free",
    "dairy_free",
)
ALLERGENS = (
    "milk",
    "egg",
    "fish",
    "shellfish",
    "tree_nuts",
    "peanuts",
    "wheat_gluten",
    "soy",
    "sesame",
)

_TAG_ALIASES = {
    "keto_friendly": "keto",
    "glutenfree": "gluten_free",
    "dairyfree": "dairy_free",
    "plant_based": "vegan",
}
_ALLERGEN_ALIASES = {
    "wheat": "wheat_gluten",
    "gluten": "wheat_gluten",
    "wheat/gluten": "wheat_gluten",
    "wheat_/_gluten": "wheat_gluten",
    "tree_nut": "tree_nuts",
    "nuts": "tree_nuts",
    "peanut": "peanuts",
    "dairy": "milk",
    "eggs": "egg",
    "crustacean": "shellfish",
    "crustaceans": "shellfish",
}
# A diet implied by a stricter one (a vegan recipe is also vegetarian and pescatarian).
_IMPLIED = {
    "vegan": ("vegetarian", "pescatarian", "dairy_free"),
    "vegetarian": ("pescatarian",),
}
# Allergens a diet can never contain: checked on the derived allergens as well as the tag.
_DIET_FORBIDS = {
    "vegan": frozenset({"milk", "egg", "fish", "shellfish"}),
    "vegetarian": frozenset({"fish", "shellfish"}),
    "gluten_free": frozenset({"wheat_gluten"}),
    "dairy_free": frozenset({"milk"}),
}

# Slots per day: 3 meals, then snacks between them.
SLOTS = {
    3: ("breakfast", "lunch", "dinner"),
    4: ("breakfast", "lunch", "snack", "dinner"),
    5: ("breakfast", "snack", "lunch", "snack", "dinner"),
    6: ("breakfast", "snack", "lunch", "snack", "dinner", "snack"),
}


def normalise_tag(tag: str) -> str:
    value = tag.strip().lower().replace("-", "_").replace(" ", "_")
    return _TAG_ALIASES.get(value, value)


def normalise_allergen(allergen: str) -> str:
    value = allergen.strip().lower().replace("-", "_").replace(" ", "_")
    return _ALLERGEN_ALIASES.get(value, value)


def normalised_tags(tags: Iterable[str]) -> frozenset[str]:
    found = {normalise_tag(tag) for tag in tags}
    for tag in list(found):
        found.update(_IMPLIED.get(tag, ()))
    return frozenset(found)


def fits_diet(diet: str, tags: Iterable[str], allergens: Iterable[str]) -> bool:
    """A recipe (or a food) fits ``diet`` when it carries the diet's tag (or a stricter one)
    and none of the allergens the diet rules out."""
    diet = normalise_tag(diet)
    if diet in ("", "omnivore"):
        return True
    if diet not in normalised_tags(tags):
        return False
    return not (_DIET_FORBIDS.get(diet, frozenset()) & {normalise_allergen(a) for a in allergens})


# Diets that are a property of a whole meal, not of each food: keto by its macros,
# Mediterranean by its cuisine. A generated meal is checked for these on its totals.
MEAL_LEVEL_DIETS = frozenset({"keto", "mediterranean"})
KETO_MAX_CARB_SHARE = 0.10  # of the meal's energy, total carbohydrate (stricter than net)
MEDITERRANEAN_CUISINES = frozenset(
    {"mediterranean", "greek", "italian", "spanish", "middle_eastern"}
)


def food_fits_diet(diet: str, tags: Iterable[str], allergens: Iterable[str]) -> bool:
    """Whether one food may be part of a meal of ``diet`` (meal-level diets: any food)."""
    if normalise_tag(diet) in MEAL_LEVEL_DIETS:
        return True
    return fits_diet(diet, tags, allergens)


def meal_fits_diet(diet: str, *, kcal: float, carbs_g: float, cuisine: str) -> bool:
    """The meal-level part of a diet (always true for ingredient-level diets)."""
    diet = normalise_tag(diet)
    if diet == "keto":
        return carbs_g * 4 <= KETO_MAX_CARB_SHARE * kcal
    if diet == "mediterranean":
        return normalise_tag(cuisine) in MEDITERRANEAN_CUISINES
    return True


def has_allergen(allergies: Iterable[str], allergens: Iterable[str]) -> bool:
    wanted = {normalise_allergen(a) for a in allergies}
    return bool(wanted & {normalise_allergen(a) for a in allergens})


def slots_for(meals_per_day: int) -> tuple[str, ...]:
    return SLOTS[meals_per_day]


def filter_reason(recipe: RecipeOption, request: PlanRequest) -> str | None:
    """The first rule ``recipe`` breaks for ``request`` (the request field's name), or None."""
    if not fits_diet(request.diet, recipe.tags, recipe.allergens):
        return "diet"
    if has_allergen(request.allergies, recipe.allergens):
        return "allergies"
    if request.excluded_food_ids & recipe.food_ids:
        return "excluded_foods"
    if request.cuisines and recipe.cuisine not in request.cuisines:
        return "cuisines"
    if request.max_prep_minutes is not None and recipe.prep_minutes > request.max_prep_minutes:
        return "max_prep_minutes"
    return None


def allowed(recipe: RecipeOption, request: PlanRequest) -> bool:
    return filter_reason(recipe, request) is None
