"""Recipes: derived nutrients, tags and allergens; the recipe library and the plan templates
loaded from nutrition/data."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nutrition.choices import (
    MEDITERRANEAN_CUISINES,
    Allergen,
    DietFlag,
    DietTag,
    DietType,
    FoodSource,
    MealType,
)
from nutrition.models import Food, MealPlanTemplate, Recipe, RecipeIngredient

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
RECIPES_DIR = DATA_DIR / "recipes"
TEMPLATES_FILE = DATA_DIR / "templates.json"

# Tag thresholds, per serving.
KETO_NET_CARBS_MAX_G = 10.0  # carbohydrate minus fibre
KETO_NET_CARBS_MAX_SHARE = 0.10  # of the energy
HIGH_PROTEIN_MIN_G = 15.0
HIGH_PROTEIN_MIN_SHARE = 0.25  # of the energy
LOW_CARB_MAX_SHARE = 0.26  # of the energy
NOT_VEGETARIAN = {DietFlag.MEAT, DietFlag.FISH, DietFlag.SHELLFISH}
NOT_VEGAN = NOT_VEGETARIAN | {DietFlag.DAIRY, DietFlag.EGG, DietFlag.HONEY}
NOT_PALEO = {
    DietFlag.GRAIN,
    DietFlag.LEGUME,
    DietFlag.DAIRY,
    DietFlag.ADDED_SUGAR,
    DietFlag.ALCOHOL,
}
NUTRIENTS = (
    "energy_kcal",
    "protein_g",
    "carbs_g",
    "fat_g",
    "fiber_g",
    "sugar_g",
    "sat_fat_g",
    "sodium_mg",
)


def recipe_tags(
    *,
    flags: Iterable[str],
    allergens: Iterable[str],
    cuisine: str,
    per_serving: dict[str, float],
) -> list[str]:
    """The diet tags of a recipe from its foods' diet flags and allergens, its cuisine and its
    per-serving nutrients. Sorted values of ``DietTag``."""
    flags, allergens = set(flags), set(allergens)
    energy = per_serving["energy_kcal"]
    protein, carbs = per_serving["protein_g"], per_serving["carbs_g"]
    net_carbs = max(0.0, carbs - per_serving.get("fiber_g", 0.0))
    tags = set()
    if not flags & NOT_VEGETARIAN:
        tags.add(DietTag.VEGETARIAN)
    if not flags & NOT_VEGAN:
        tags.add(DietTag.VEGAN)
    if DietFlag.MEAT not in flags:
        tags.add(DietTag.PESCATARIAN)
    if Allergen.WHEAT_GLUTEN not in allergens:
        tags.add(DietTag.GLUTEN_FREE)
    if Allergen.MILK not in allergens and DietFlag.DAIRY not in flags:
        tags.add(DietTag.DAIRY_FREE)
    if not flags & NOT_PALEO:
        tags.add(DietTag.PALEO)
    if cuisine in MEDITERRANEAN_CUISINES:
        tags.add(DietTag.MEDITERRANEAN)
    if energy > 0:
        if net_carbs <= KETO_NET_CARBS_MAX_G and net_carbs * 4 <= KETO_NET_CARBS_MAX_SHARE * energy:
            tags.add(DietTag.KETO_FRIENDLY)
        if protein >= HIGH_PROTEIN_MIN_G and protein * 4 >= HIGH_PROTEIN_MIN_SHARE * energy:
            tags.add(DietTag.HIGH_PROTEIN)
        if carbs * 4 <= LOW_CARB_MAX_SHARE * energy:
            tags.add(DietTag.LOW_CARB)
    return sorted(str(t) for t in tags)


def recipe_nutrients_refresh(*, recipe_ids: Iterable[Any] | None = None) -> int:
    """Recompute the per-serving nutrients, tags and allergens of these recipes (all when
    None) from their ingredients: two queries and one bulk update whatever their number.
    A missing USDA value (fibre, sugar, saturated fat, sodium) counts as 0. Answers how many
    recipes were written."""
    recipes = Recipe.objects.only("id", "servings", "cuisine", *NUTRIENTS, "serving_grams")
    if recipe_ids is not None:
        recipes = recipes.filter(pk__in=list(recipe_ids))
    by_id = {r.pk: r for r in recipes}
    if not by_id:
        return 0
    rows = RecipeIngredient.objects.filter(recipe_id__in=list(by_id)).values_list(
        "recipe_id",
        "grams",
        *(f"food__{n}" for n in NUTRIENTS),
        "food__allergens",
        "food__diet_flags",
    )
    totals: dict[Any, dict[str, float]] = defaultdict(lambda: dict.fromkeys(NUTRIENTS, 0.0))
    grams: dict[Any, float] = defaultdict(float)
    flags: dict[Any, set[str]] = defaultdict(set)
    allergens: dict[Any, set[str]] = defaultdict(set)
    for recipe_id, amount, *values, food_allergens, food_flags in rows:
        grams[recipe_id] += amount
        for name, value in zip(NUTRIENTS, values, strict=True):
            totals[recipe_id][name] += (value or 0.0) * amount / 100
        flags[recipe_id].update(food_flags)
        allergens[recipe_id].update(food_allergens)
    for recipe_id, recipe in by_id.items():
        servings = recipe.servings
        per_serving = {n: round(totals[recipe_id][n] / servings, 2) for n in NUTRIENTS}
        for name, value in per_serving.items():
            setattr(recipe, name, value)
        recipe.serving_grams = round(grams[recipe_id] / servings, 1)
        recipe.allergens = sorted(allergens[recipe_id])
        recipe.tags = recipe_tags(
            flags=flags[recipe_id],
            allergens=allergens[recipe_id],
            cuisine=recipe.cuisine,
            per_serving=per_serving,
        )
    Recipe.objects.bulk_update(
        list(by_id.values()), [*NUTRIENTS, "serving_grams", "allergens", "tags"], batch_size=500
    )
    return len(by_id)


# --- The recipe library (nutrition/data/recipes/*.json) ------------------------------------


def usda_code(value: str | int) -> str:
    """USDA's id as foods.csv writes it: an SR NDB number is zero-padded to 5 characters
    (``1001`` -> ``01001``), an FNDDS code has 8 digits."""
    text = str(value).strip()
    return text.zfill(5) if text.isdigit() and len(text) < 5 else text


class IngredientData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fdc_id: str | int
    grams: Annotated[float, Field(gt=0, le=5000)]
    note: Annotated[str, Field(max_length=120)] = ""


class RecipeData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
    title: Annotated[str, Field(min_length=1, max_length=160)]
    description: str = ""
    meal_types: Annotated[list[MealType], Field(min_length=1)]
    cuisine: Annotated[str, Field(max_length=24)] = ""
    prep_minutes: Annotated[int, Field(ge=0, le=600)]
    servings: Annotated[int, Field(ge=1, le=50)]
    steps: list[Annotated[str, Field(min_length=1)]] = []
    ingredients: Annotated[list[IngredientData], Field(min_length=1, max_length=40)]

    @field_validator("cuisine")
    @classmethod
    def _cuisine(cls, value: str) -> str:
        # "middle-eastern" is the profile's "middle_eastern".
        return value.strip().lower().replace("-", "_").replace(" ", "_")

    @field_validator("meal_types")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return sorted(set(value), key=list(MealType.values).index)


@dataclass
class LibraryReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.added + self.updated + self.unchanged


def _recipes_in(path: Path, payload: Any) -> list[tuple[str, Any]]:
    """(where, recipe data) pairs of one file: a recipe, a list of recipes, or
    ``{"recipes": [...]}``."""
    if isinstance(payload, dict) and "recipes" in payload:
        payload = payload["recipes"]
    if isinstance(payload, dict):
        return [(path.name, payload)]
    if isinstance(payload, list):
        return [(f"{path.name}[{i}]", item) for i, item in enumerate(payload)]
    return [(path.name, payload)]


def _pydantic_problems(where: str, exc: ValidationError) -> list[str]:
    return [
        f"{where}: {'.'.join(str(p) for p in error['loc']) or 'recipe'}: {error['msg']}"
        for error in exc.errors()
    ]


def _load_files(directory: Path, report: LibraryReport) -> list[RecipeData]:
    recipes: list[RecipeData] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            report.problems.append(f"{path.name}: not readable JSON ({exc})")
            continue
        for where, item in _recipes_in(path, payload):
            slug = item.get("slug") if isinstance(item, dict) else None
            label = f"{where} ({slug})" if slug else where
            try:
                recipe = RecipeData.model_validate(item)
            except ValidationError as exc:
                report.problems.extend(_pydantic_problems(label, exc))
                continue
            if recipe.slug in seen:
                report.problems.append(
                    f"{label}: slug {recipe.slug!r} already used by {seen[recipe.slug]}"
                )
                continue
            seen[recipe.slug] = label
            recipes.append(recipe)
    return recipes


def _recipe_state(recipe: Recipe, ingredients: list[tuple[Any, float, str]]) -> tuple[Any, ...]:
    return (
        recipe.title,
        recipe.description,
        list(recipe.meal_types),
        recipe.cuisine,
        recipe.prep_minutes,
        recipe.servings,
        list(recipe.steps),
        recipe.is_active,
        ingredients,
    )


def recipe_library_load(
    *, directory: Path = RECIPES_DIR, recipes: list[dict[str, Any]] | None = None
) -> LibraryReport:
    """Upsert the library by slug from ``directory/*.json`` (or from ``recipes`` given as data),
    then recompute every changed recipe's nutrients, tags and allergens.

    A recipe with a problem (a missing or wrong field, an ``fdc_id`` that is not a USDA food
    of the table, a duplicate slug) is skipped and reported; the others load. Library recipes
    no longer in the files are deactivated (plans that used them keep them), and reported.
    Running it twice changes nothing the second time."""
    report = LibraryReport()
    if recipes is None:
        parsed = _load_files(directory, report)
    else:
        parsed = []
        for index, item in enumerate(recipes):
            try:
                parsed.append(RecipeData.model_validate(item))
            except ValidationError as exc:
                report.problems.extend(_pydantic_problems(f"recipe {index}", exc))
    codes = {usda_code(i.fdc_id) for r in parsed for i in r.ingredients}
    foods = dict(
        Food.objects.filter(source=FoodSource.USDA, fdc_id__in=codes).values_list("fdc_id", "pk")
    )
    valid: list[RecipeData] = []
    for checked in parsed:
        unknown = [
            f"ingredients.{i}.fdc_id: {ingredient.fdc_id!r} is not a food of the USDA table"
            for i, ingredient in enumerate(checked.ingredients)
            if usda_code(ingredient.fdc_id) not in foods
        ]
        if unknown:
            report.problems.extend(f"recipe {checked.slug}: {message}" for message in unknown)
        else:
            valid.append(checked)

    with transaction.atomic():
        existing = {r.slug: r for r in Recipe.objects.filter(slug__in=[r.slug for r in valid])}
        stored: dict[Any, list[tuple[Any, float, str]]] = defaultdict(list)
        for recipe_id, food_id, grams, note in (
            RecipeIngredient.objects.filter(recipe__in=list(existing.values()))
            .order_by("recipe_id", "position")
            .values_list("recipe_id", "food_id", "grams", "note")
        ):
            stored[recipe_id].append((food_id, grams, note))
        touched: list[Any] = []
        for data in valid:
            lines = [(foods[usda_code(i.fdc_id)], float(i.grams), i.note) for i in data.ingredients]
            fields = {
                "title": data.title,
                "description": data.description,
                "meal_types": list(data.meal_types),
                "cuisine": data.cuisine,
                "prep_minutes": data.prep_minutes,
                "servings": data.servings,
                "steps": list(data.steps),
                "is_active": True,
            }
            recipe = existing.get(data.slug)
            if recipe is None:
                recipe = Recipe.objects.create(slug=data.slug, **fields)
                report.added += 1
            else:
                before = _recipe_state(recipe, stored[recipe.pk])
                for name, value in fields.items():
                    setattr(recipe, name, value)
                if before == _recipe_state(recipe, lines):
                    report.unchanged += 1
                    continue
                recipe.save()
                recipe.ingredients.all().delete()
                report.updated += 1
            RecipeIngredient.objects.bulk_create(
                [
                    RecipeIngredient(
                        recipe=recipe, food_id=food_id, grams=grams, note=note, position=n
                    )
                    for n, (food_id, grams, note) in enumerate(lines, 1)
                ]
            )
            touched.append(recipe.pk)
        recipe_nutrients_refresh(recipe_ids=touched)
        if recipes is None and not report.problems:
            # Only a complete, clean library retires what it no longer has (a file that
            # failed to parse must not deactivate its recipes).
            gone = Recipe.objects.filter(is_active=True).exclude(slug__in=[r.slug for r in valid])
            report.deactivated = sorted(gone.values_list("slug", flat=True))
            gone.update(is_active=False)
    return report


# --- Plan templates (nutrition/data/templates.json) ----------------------------------------


class TemplateData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    description: str = ""
    diet: DietType
    calories_kcal: Annotated[int, Field(ge=1000, le=5000)]
    protein_pct: Annotated[int, Field(ge=5, le=60)]
    carbs_pct: Annotated[int, Field(ge=2, le=75)]
    fat_pct: Annotated[int, Field(ge=10, le=80)]
    meals_per_day: Annotated[int, Field(ge=3, le=6)]
    max_prep_minutes: Annotated[int, Field(ge=5, le=600)] | None = None
    cuisines: list[str] = []


def templates_load(*, path: Path = TEMPLATES_FILE) -> int:
    """Upsert the templates of ``path`` by slug (grams from each template's calorie level and
    macro percentages, 4/4/9 kcal per g) and delete those no longer listed. Answers the
    number of templates. Raises ``ValueError`` on a malformed file: it ships with the code."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    items = [TemplateData.model_validate(item) for item in payload["templates"]]
    for item in items:
        if item.protein_pct + item.carbs_pct + item.fat_pct != 100:
            raise ValueError(f"template {item.slug}: the macro percentages do not add up to 100")
    with transaction.atomic():
        for order, item in enumerate(items):
            kcal = item.calories_kcal
            MealPlanTemplate.objects.update_or_create(
                slug=item.slug,
                defaults={
                    "name": item.name,
                    "description": item.description,
                    "diet": item.diet,
                    "calories_kcal": kcal,
                    "protein_g": round(kcal * item.protein_pct / 100 / 4),
                    "carbs_g": round(kcal * item.carbs_pct / 100 / 4),
                    "fat_g": round(kcal * item.fat_pct / 100 / 9),
                    "meals_per_day": item.meals_per_day,
                    "max_prep_minutes": item.max_prep_minutes,
                    "cuisines": item.cuisines,
                    "order": order,
                },
            )
        MealPlanTemplate.objects.exclude(slug__in=[i.slug for i in items]).delete()
    return len(items)
