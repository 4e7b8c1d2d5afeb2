"""Writes of the nutrition app, by sub-domain: ``foods`` (the USDA import, custom foods),
``recipes`` (derived nutrients, tags and allergens; the recipe library and templates)."""

from nutrition.services.foods import (
    ImportReport,
    custom_food_create,
    usda_import,
)
from nutrition.services.recipes import (
    LibraryReport,
    recipe_library_load,
    recipe_nutrients_refresh,
    recipe_tags,
    templates_load,
)

__all__ = [
    "ImportReport",
    "LibraryReport",
    "custom_food_create",
    "recipe_library_load",
    "recipe_nutrients_refresh",
    "recipe_tags",
    "templates_load",
    "usda_import",
]
