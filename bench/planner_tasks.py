"""The meal-plan generator study, run in its own process (bench/studies/planner.py).

``python -m bench.planner_tasks`` loads the real recipe library (nutrition/data/recipes/*.json)
and the repo's USDA table (nutrition/data/usda/foods.csv), derives each recipe's per-serving
nutrients, allergens and diet tags with the app's own pure functions
(``nutrition.classify.food_classify``, ``nutrition.services.recipes.recipe_tags``), then plans
7 days for each of 50 fixed generated profiles with our engine
(``nutrition.planner.plan_generate``), checks every plan independently (diet, allergies, no
repeat within three days, tolerances recomputed from the recipes) and prints one JSON object.

No database is touched: ``django.setup()`` only, because ``recipe_tags`` lives beside models.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
RECIPES_DIR = BASE_DIR / "nutrition" / "data" / "recipes"
FOODS_CSV = BASE_DIR / "nutrition" / "data" / "usda" / "foods.csv"
DAYS = 7
PROFILES = 50
SEED = 20261126

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
# Common allergy sets, cycled over the profiles.
ALLERGIES: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"milk"}),
    frozenset({"peanuts", "tree_nuts"}),
    frozenset(),
    frozenset({"wheat_gluten"}),
    frozenset({"egg"}),
    frozenset({"shellfish"}),
    frozenset({"soy"}),
    frozenset(),
    frozenset({"fish", "shellfish"}),
    frozenset({"sesame"}),
)
# Macro splits (protein, carbs, fat shares of the energy), cycled: balanced, higher protein,
# in between, lower carb. Diets with a macro pattern of their own use theirs (keto: 10 % of the
# energy from total carbohydrate, the net carbs lower; paleo: no grains or legumes, so lower
# carb; vegan: plant protein, so the protein share is lower).
SPLITS = ((0.20, 0.50, 0.30), (0.30, 0.40, 0.30), (0.25, 0.45, 0.30), (0.30, 0.35, 0.35))
DIET_SPLITS = {
    "keto": ((0.25, 0.10, 0.65),),
    "paleo": ((0.30, 0.30, 0.40), (0.25, 0.35, 0.40)),
    "vegan": ((0.18, 0.55, 0.27), (0.20, 0.50, 0.30)),
}


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def load_library() -> list[Any]:
    from nutrition.classify import food_classify
    from nutrition.planner import Nutrients, RecipeOption
    from nutrition.services.recipes import recipe_tags, usda_code

    foods: dict[str, dict[str, Any]] = {}
    with FOODS_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            foods[row["id"]] = row
    classes: dict[str, Any] = {}
    recipes = []
    for path in sorted(RECIPES_DIR.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(payload, dict):
            payload = payload.get("recipes", [payload])
        for item in payload:
            servings = max(int(item.get("servings") or 1), 1)
            totals = dict.fromkeys(("energy_kcal", "protein_g", "carbs_g", "fat_g", "fiber_g"), 0.0)
            flags: set[str] = set()
            allergens: set[str] = set()
            food_ids = set()
            for ingredient in item["ingredients"]:
                food_id = usda_code(ingredient["fdc_id"])
                row = foods[food_id]
                factor = float(ingredient["grams"]) / 100 / servings
                totals["energy_kcal"] += _number(row["kcal"]) * factor
                totals["protein_g"] += _number(row["protein_g"]) * factor
                totals["carbs_g"] += _number(row["carbs_g"]) * factor
                totals["fat_g"] += _number(row["fat_g"]) * factor
                totals["fiber_g"] += _number(row["fiber_g"]) * factor
                if food_id not in classes:
                    classes[food_id] = food_classify(name=row["name"], category=row["category"])
                flags.update(classes[food_id].diet_flags)
                allergens.update(classes[food_id].allergens)
                food_ids.add(food_id)
            cuisine = str(item.get("cuisine", "")).strip().lower().replace("-", "_")
            tags = recipe_tags(
                flags=flags, allergens=allergens, cuisine=cuisine, per_serving=totals
            )
            recipes.append(
                RecipeOption(
                    id=len(recipes) + 1,
                    slug=item["slug"],
                    meal_types=frozenset(item["meal_types"]),
                    prep_minutes=int(item["prep_minutes"]),
                    per_serving=Nutrients(
                        totals["energy_kcal"],
                        totals["protein_g"],
                        totals["carbs_g"],
                        totals["fat_g"],
                    ),
                    tags=frozenset(tags),
                    allergens=frozenset(allergens),
                    food_ids=frozenset(food_ids),
                    cuisine=cuisine,
                    title=item.get("title", ""),
                )
            )
    return recipes


def profiles() -> list[Any]:
    """50 fixed profiles: 1,400 to 3,600 kcal, every diet, common allergies, 3 to 6 meals."""
    from nutrition.planner import PlanRequest

    made = []
    for i in range(PROFILES):
        kcal = round((1400 + 2200 * i / (PROFILES - 1)) / 10) * 10
        diet = DIETS[i % len(DIETS)]
        splits = DIET_SPLITS.get(diet, SPLITS)
        protein, carbs, fat = splits[i % len(splits)]
        made.append(
            PlanRequest(
                days=DAYS,
                meals_per_day=3 + i % 4,
                kcal=kcal,
                protein_g=round(kcal * protein / 4),
                carbs_g=round(kcal * carbs / 4),
                fat_g=round(kcal * fat / 9),
                diet=diet,
                allergies=ALLERGIES[i % len(ALLERGIES)],
                max_prep_minutes=(None, 45, None, 30)[i % 4],
            )
        )
    return made


def violations(plan: Any, request: Any, by_id: dict[int, Any]) -> list[str]:
    """Diet, allergy, exclusion, prep-time and repeat violations, checked on our own."""
    from nutrition.choices import DIET_REQUIRED_TAG

    found = []
    required = DIET_REQUIRED_TAG.get(request.diet)
    last_day: dict[int, int] = {}
    for day in plan.days:
        for meal in day.meals:
            recipe = by_id[meal.recipe_id]
            if required is not None and str(required) not in recipe.tags:
                found.append(f"day {day.day}: {recipe.slug} is not {request.diet}")
            if recipe.allergens & request.allergies:
                found.append(f"day {day.day}: {recipe.slug} has {sorted(recipe.allergens)}")
            if (
                request.max_prep_minutes is not None
                and recipe.prep_minutes > request.max_prep_minutes
            ):
                found.append(f"day {day.day}: {recipe.slug} takes {recipe.prep_minutes} min")
            if recipe.id in last_day and day.day - last_day[recipe.id] < 3:
                found.append(f"day {day.day}: {recipe.slug} repeats day {last_day[recipe.id]}")
            last_day[recipe.id] = day.day
    return found


def within(day: Any, request: Any, by_id: dict[int, Any]) -> bool:
    """Tolerances recomputed from the recipes (not the engine's own deviation figures)."""
    totals = [0.0, 0.0, 0.0, 0.0]
    for meal in day.meals:
        for i, value in enumerate(by_id[meal.recipe_id].per_serving.as_tuple()):
            totals[i] += value * meal.servings
    targets = request.targets.as_tuple()
    limits = (0.05, 0.10, 0.10, 0.10)
    return all(
        abs(total - target) <= limit * target + 1e-6
        for total, target, limit in zip(totals, targets, limits, strict=True)
    )


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from nutrition.planner import Infeasible, plan_generate

    recipes = load_library()
    by_id = {r.id: r for r in recipes}
    plan_generate(profiles()[0], recipes, seed=SEED)  # warm-up (imports, HiGHS)
    seconds: list[float] = []
    days_total = days_within = 0
    infeasible: list[dict[str, Any]] = []
    found: list[str] = []
    for index, request in enumerate(profiles()):
        started = time.perf_counter()
        try:
            plan = plan_generate(request, recipes, seed=SEED + index)
        except Infeasible as exc:
            seconds.append(time.perf_counter() - started)
            days_total += request.days
            infeasible.append(
                {
                    "profile": index,
                    "diet": request.diet,
                    "kcal": request.kcal,
                    "meals_per_day": request.meals_per_day,
                    "allergies": sorted(request.allergies),
                    "constraint": exc.constraint,
                    "day": exc.day,
                    "message": str(exc),
                }
            )
            continue
        seconds.append(time.perf_counter() - started)
        found += [f"profile {index}: {v}" for v in violations(plan, request, by_id)]
        for day in plan.days:
            days_total += 1
            days_within += within(day, request, by_id)
    ordered = sorted(seconds)
    result = {
        "recipes": len(recipes),
        "profiles": PROFILES,
        "days": days_total,
        "days_within": days_within,
        "share_within": days_within / days_total if days_total else 0.0,
        "violations": len(found),
        "violation_examples": found[:10],
        "infeasible": infeasible,
        "p50_s": statistics.median(seconds),
        "p95_s": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max_s": ordered[-1],
        "seconds": [round(s, 4) for s in seconds],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
