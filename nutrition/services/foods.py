"""Foods: the USDA import (idempotent, re-runnable on a newer release) and users' custom foods."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from rest_framework.exceptions import ErrorDetail, ValidationError

from accounts.models import User
from nutrition import error_codes
from nutrition.choices import FoodSource
from nutrition.classify import food_classify
from nutrition.models import Food, Portion, RecipeIngredient
from nutrition.services.recipes import recipe_nutrients_refresh

USDA_DIR = Path(__file__).resolve().parent.parent / "data" / "usda"
BATCH = 2_000
# Custom foods: the energy the macros account for (4/4/9 kcal per g) may exceed the stated
# energy by this much before the numbers are refused as inconsistent (USDA's own foods stay
# within it: fibre, sugar alcohols and food-specific factors make real labels differ).
ATWATER_TOLERANCE = 1.25
ATWATER_SLACK_KCAL = 20

# foods.csv column -> Food field
FOOD_COLUMNS = {
    "kcal": "energy_kcal",
    "protein_g": "protein_g",
    "carbs_g": "carbs_g",
    "fat_g": "fat_g",
    "fiber_g": "fiber_g",
    "sugar_g": "sugar_g",
    "saturated_fat_g": "sat_fat_g",
    "sodium_mg": "sodium_mg",
}
FOOD_FIELDS = (
    "dataset",
    "name",
    "category",
    *FOOD_COLUMNS.values(),
    "allergens",
    "diet_flags",
)
PORTION_FIELDS = ("label", "amount", "unit", "grams", "is_serving")
Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass
class ImportReport:
    foods_added: int = 0
    foods_updated: int = 0
    foods_unchanged: int = 0
    foods_absent: list[str] = field(default_factory=list)  # in the database, not in the file
    portions_added: int = 0
    portions_updated: int = 0
    portions_unchanged: int = 0
    portions_removed: int = 0
    recipes_refreshed: int = 0  # recipes made of an updated food, recomputed


def _number(value: str) -> float | None:
    value = value.strip()
    return float(value) if value else None


def _food_values(row: dict[str, str]) -> dict[str, Any]:
    classified = food_classify(name=row["name"], category=row["category"])
    values: dict[str, Any] = {
        "dataset": row["source"],
        "name": row["name"][:200],
        "category": row["category"][:120],
        "allergens": [str(a) for a in classified.allergens],
        "diet_flags": [str(f) for f in classified.diet_flags],
    }
    for column, name in FOOD_COLUMNS.items():
        values[name] = _number(row[column])
    for required in ("energy_kcal", "protein_g", "carbs_g", "fat_g"):
        if values[required] is None:  # never in the shipped files; kept safe for a release
            values[required] = 0.0
    return values


def _portion_values(row: dict[str, str]) -> dict[str, Any]:
    description = row["description"].strip() or row["unit"].strip()
    return {
        "label": description[:200],
        "amount": _number(row["amount"]),
        "unit": row["unit"].strip()[:200],
        "grams": float(row["gram_weight"]),
        "is_serving": not description.lower().startswith("guideline amount"),
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _batches(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def usda_import(
    *,
    foods_csv: Path = USDA_DIR / "foods.csv",
    portions_csv: Path = USDA_DIR / "portions.csv",
    progress: Progress | None = None,
) -> ImportReport:
    """Upsert the USDA foods and portions by USDA id (``fdc_id``) and ``(food, seq)``.

    Run again on the same files it changes nothing; on a newer release it adds new foods,
    updates changed ones (their allergens and diet flags follow their new name), replaces
    changed portions and removes portions the release dropped. Foods missing from the file
    are kept (recipes and plans may use them) and reported in ``foods_absent``. The recipes
    made of an updated food get their nutrients, tags and allergens recomputed. One
    transaction: a failed run leaves the table as it was.
    """
    report = ImportReport()
    food_rows = _read(foods_csv)
    portion_rows = _read(portions_csv)
    tick = progress or (lambda step, done, total: None)

    with transaction.atomic():
        existing: dict[str, Food] = {
            food.fdc_id: food
            for food in Food.objects.filter(source=FoodSource.USDA).only(
                "id", "fdc_id", *FOOD_FIELDS
            )
            if food.fdc_id
        }
        new: list[Food] = []
        changed: list[Food] = []
        by_code: dict[str, Any] = {}
        for index, row in enumerate(food_rows, 1):
            code = row["id"].strip()
            values = _food_values(row)
            food = existing.get(code)
            if food is None:
                food = Food(source=FoodSource.USDA, fdc_id=code, **values)
                new.append(food)
            elif any(getattr(food, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(food, name, value)
                changed.append(food)
            else:
                report.foods_unchanged += 1
            by_code[code] = food.pk
            if index % 500 == 0 or index == len(food_rows):
                tick("foods", index, len(food_rows))
        for chunk in _batches(new):
            Food.objects.bulk_create(chunk)
        for chunk in _batches(changed, 500):
            Food.objects.bulk_update(chunk, [*FOOD_FIELDS, "updated_at"])
        report.foods_added, report.foods_updated = len(new), len(changed)
        # A recipe stores its nutrients, tags and allergens: the recipes of an updated food
        # (new values, or a name whose allergens changed) are recomputed with it, or a recipe
        # would keep serving an allergen its food now declares.
        if changed:
            recipe_ids = set(
                RecipeIngredient.objects.filter(food_id__in=[f.pk for f in changed]).values_list(
                    "recipe_id", flat=True
                )
            )
            report.recipes_refreshed = recipe_nutrients_refresh(recipe_ids=recipe_ids)
        report.foods_absent = sorted(set(existing) - set(by_code))

        stored: dict[tuple[Any, int], Portion] = {
            (p.food_id, p.seq): p
            for p in Portion.objects.filter(food__source=FoodSource.USDA).only(
                "id", "food_id", "seq", *PORTION_FIELDS
            )
        }
        seen: set[tuple[Any, int]] = set()
        new_portions: list[Portion] = []
        changed_portions: list[Portion] = []
        for index, row in enumerate(portion_rows, 1):
            food_id = by_code.get(row["id"].strip())
            if food_id is None:
                continue  # an orphan portion (none in the shipped files)
            key = (food_id, int(row["seq"]))
            seen.add(key)
            values = _portion_values(row)
            portion = stored.get(key)
            if portion is None:
                new_portions.append(Portion(food_id=food_id, seq=key[1], **values))
            elif any(getattr(portion, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(portion, name, value)
                changed_portions.append(portion)
            else:
                report.portions_unchanged += 1
            if index % 2000 == 0 or index == len(portion_rows):
                tick("portions", index, len(portion_rows))
        for chunk in _batches(new_portions, 5_000):
            Portion.objects.bulk_create(chunk)
        for chunk in _batches(changed_portions, 1_000):
            Portion.objects.bulk_update(chunk, list(PORTION_FIELDS))
        imported_foods = set(by_code.values())
        dropped = [
            p.pk for key, p in stored.items() if key not in seen and key[0] in imported_foods
        ]
        for chunk in _batches(dropped, 5_000):
            Portion.objects.filter(pk__in=chunk).delete()
        report.portions_added = len(new_portions)
        report.portions_updated = len(changed_portions)
        report.portions_removed = len(dropped)
    with connection.cursor() as cursor:  # fresh statistics: the search plans depend on them
        cursor.execute("ANALYZE nutrition_food, nutrition_portion")
    return report


def _error(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: [ErrorDetail(message, code=code)]})


def custom_food_create(
    *,
    user: User,
    name: str,
    category: str = "",
    energy_kcal: float,
    protein_g: float,
    carbs_g: float,
    fat_g: float,
    fiber_g: float | None = None,
    sugar_g: float | None = None,
    sat_fat_g: float | None = None,
    sodium_mg: float | None = None,
    portions: list[dict[str, Any]] | None = None,
) -> Food:
    """A private food of ``user`` (per-100 g nutrients and optional household portions).

    Refused (400 naming the field, nothing written) when the parts exceed the whole: protein
    + carbohydrate + fat above 100 g per 100 g, fibre or sugar above the carbohydrate, saturated
    above total fat, or macros worth far more energy (4/4/9 kcal per g) than ``energy_kcal``.
    """
    if protein_g + carbs_g + fat_g > 100.5:
        raise _error(
            "fat_g",
            "Protein, carbohydrate and fat add up to more than 100 g per 100 g.",
            error_codes.NUTRIENTS_INCONSISTENT,
        )
    for part, value in (("fiber_g", fiber_g), ("sugar_g", sugar_g)):
        if value is not None and value > carbs_g + 0.5:
            raise _error(
                part,
                "Cannot exceed the carbohydrate (which includes it).",
                error_codes.NUTRIENTS_INCONSISTENT,
            )
    if sat_fat_g is not None and sat_fat_g > fat_g + 0.05:
        raise _error("sat_fat_g", "Cannot exceed total fat.", error_codes.NUTRIENTS_INCONSISTENT)
    from_macros = 4 * protein_g + 4 * carbs_g + 9 * fat_g
    if from_macros > energy_kcal * ATWATER_TOLERANCE + ATWATER_SLACK_KCAL:
        raise _error(
            "energy_kcal",
            f"Too low for the macros: they provide about {from_macros:.0f} kcal per 100 g "
            "(4 kcal/g protein and carbohydrate, 9 kcal/g fat).",
            error_codes.NUTRIENTS_INCONSISTENT,
        )
    classified = food_classify(name=name, category=category)
    with transaction.atomic():
        food = Food.objects.create(
            source=FoodSource.CUSTOM,
            owner=user,
            name=name,
            category=category,
            energy_kcal=energy_kcal,
            protein_g=protein_g,
            carbs_g=carbs_g,
            fat_g=fat_g,
            fiber_g=fiber_g,
            sugar_g=sugar_g,
            sat_fat_g=sat_fat_g,
            sodium_mg=sodium_mg,
            allergens=list(classified.allergens),
            diet_flags=list(classified.diet_flags),
        )
        Portion.objects.bulk_create(
            [
                Portion(food=food, seq=seq, label=p["label"], unit=p["label"], grams=p["grams"])
                for seq, p in enumerate(portions or [], 1)
            ]
        )
    return food
