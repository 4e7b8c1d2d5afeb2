"""The enumerations of the nutrition app. Allergens, diet types and cuisines are the profile's
(``profiles.choices``): a diet or an allergen means the same thing in the profile, the recipe
library and the generator."""

from __future__ import annotations

from django.db import models

from profiles.choices import Allergen, Cuisine, DietType

__all__ = [
    "DIET_REQUIRED_TAG",
    "MEDITERRANEAN_CUISINES",
    "Allergen",
    "Cuisine",
    "DietFlag",
    "DietTag",
    "DietType",
    "FoodSource",
    "MealType",
]


class FoodSource(models.TextChoices):
    USDA = "usda", "USDA"
    CUSTOM = "custom", "Custom (one user's own)"


class UsdaDataset(models.TextChoices):
    """The ``source`` column of the USDA files (nutrition/data/usda/README.md)."""

    SR28 = "usda-sr28", "USDA Standard Reference 28"
    FNDDS = "usda-fndds-2021-2023", "USDA FNDDS 2021-2023"


class DietFlag(models.TextChoices):
    """What a food is, as far as diets care (derived from its name and category by
    ``nutrition.classify``). A recipe's diet tags follow from its foods' flags."""

    MEAT = "meat", "Meat or poultry (incl. gelatin, lard, meat stock)"
    FISH = "fish", "Fish"
    SHELLFISH = "shellfish", "Shellfish"
    DAIRY = "dairy", "Dairy"
    EGG = "egg", "Egg"
    HONEY = "honey", "Honey or other bee products"
    GRAIN = "grain", "Grain or cereal"
    LEGUME = "legume", "Legume (beans, lentils, peas, soy, peanuts)"
    ADDED_SUGAR = "added_sugar", "Sugar, syrup, candy"
    ALCOHOL = "alcohol", "Alcohol"


class DietTag(models.TextChoices):
    """A recipe's derived tags (``nutrition.tags``): never typed in."""

    VEGETARIAN = "vegetarian", "Vegetarian"
    VEGAN = "vegan", "Vegan"
    PESCATARIAN = "pescatarian", "Pescatarian"
    GLUTEN_FREE = "gluten_free", "Gluten-free"
    DAIRY_FREE = "dairy_free", "Dairy-free"
    KETO_FRIENDLY = "keto_friendly", "Keto-friendly"
    PALEO = "paleo", "Paleo"
    MEDITERRANEAN = "mediterranean", "Mediterranean"
    HIGH_PROTEIN = "high_protein", "High-protein"
    LOW_CARB = "low_carb", "Low-carb"


class MealType(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    LUNCH = "lunch", "Lunch"
    DINNER = "dinner", "Dinner"
    SNACK = "snack", "Snack"


# A profile's diet type -> the tag every recipe of that diet's plan must carry (omnivore: none).
DIET_REQUIRED_TAG: dict[str, str | None] = {
    DietType.OMNIVORE: None,
    DietType.VEGETARIAN: DietTag.VEGETARIAN,
    DietType.VEGAN: DietTag.VEGAN,
    DietType.PESCATARIAN: DietTag.PESCATARIAN,
    DietType.KETO: DietTag.KETO_FRIENDLY,
    DietType.PALEO: DietTag.PALEO,
    DietType.MEDITERRANEAN: DietTag.MEDITERRANEAN,
    DietType.GLUTEN_FREE: DietTag.GLUTEN_FREE,
    DietType.DAIRY_FREE: DietTag.DAIRY_FREE,
}

MEDITERRANEAN_CUISINES = frozenset(
    {Cuisine.MEDITERRANEAN, Cuisine.GREEK, Cuisine.ITALIAN, Cuisine.SPANISH, Cuisine.MIDDLE_EASTERN}
)
