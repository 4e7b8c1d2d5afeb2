"""Standalone checker for the recipe library (Python standard library only).

Run from anywhere:

    python3 nutrition/data/recipes/check.py            # summary + coverage table
    python3 nutrition/data/recipes/check.py --per-recipe  # also one line per recipe

It validates the JSON shape, unique slugs, that every ``fdc_id`` is an ``id`` of the USDA
``foods.csv`` and that grams are in (0, 1000]; then computes kcal / protein / carbs / fat per
serving and counts recipes per (meal type x diet) with a deliberately conservative
classification from food names and categories. The loader (``manage.py load_recipes``) computes
the real tags and allergens; this script only proves the library covers every cell. Exit status
is 1 when anything is invalid or a coverage cell is below ``--min-cell``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MEAL_TYPES = ("breakfast", "lunch", "dinner", "snack")
DIETS = (
    "vegetarian",
    "vegan",
    "pescatarian",
    "gluten-free",
    "dairy-free",
    "keto-friendly",
    "high-protein",
    "paleo",
    "mediterranean",
    "omnivore",
)
# The profile's cuisine choices (profiles.choices.Cuisine); the loader reads "-" as "_".
CUISINES = {
    "american",
    "brazilian",
    "chinese",
    "french",
    "greek",
    "indian",
    "italian",
    "japanese",
    "korean",
    "mediterranean",
    "mexican",
    "middle-eastern",
    "spanish",
    "thai",
    "vietnamese",
}
MEDITERRANEAN_CUISINES = {"mediterranean", "greek", "italian", "spanish", "middle-eastern"}
RECIPE_KEYS = {
    "slug",
    "title",
    "description",
    "meal_types",
    "cuisine",
    "prep_minutes",
    "servings",
    "steps",
    "ingredients",
}
INGREDIENT_KEYS = {"fdc_id", "grams", "note"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Per-serving energy ranges we aim for; outside them the checker warns (not an error).
KCAL_RANGE = {
    "breakfast": (250, 700),
    "lunch": (350, 900),
    "dinner": (350, 900),
    "snack": (80, 350),
}
# Tag thresholds per serving, the same as the loader's (nutrition.services.recipes).
KETO_NET_CARBS_MAX = 10.0  # g of carbohydrate minus fibre ...
KETO_NET_CARBS_MAX_SHARE = 0.10  # ... and at most this share of the energy
HIGH_PROTEIN_MIN_G = 15.0  # g of protein ...
HIGH_PROTEIN_MIN_SHARE = 0.25  # ... and at least this share of the energy
HIGH_PROTEIN_G = 30.0  # "clearly" high-protein, counted separately

MEAT_CATEGORIES = {
    "Beef Products",
    "Pork Products",
    "Lamb, Veal, and Game Products",
    "Sausages and Luncheon Meats",
    "Poultry Products",
}
MEAT_WORDS = (
    "beef",
    "pork",
    "bacon",
    "ham",
    "lamb",
    "veal",
    "chicken",
    "turkey",
    "duck",
    "goose",
    "sausage",
    "jerky",
    "gelatin",
    "lard",
)
FISH_WORDS = ("fish", "salmon", "tuna", "cod", "sardine", "anchovy", "trout", "mackerel")
SHELLFISH_WORDS = (
    "crustaceans",
    "mollusks",
    "shrimp",
    "crab",
    "lobster",
    "oyster",
    "scallop",
    "mussel",
    "clam",
)
DAIRY_WORDS = (
    "milk",
    "cheese",
    "butter",
    "cream",
    "yogurt",
    "whey",
    "kefir",
    "casein",
    "ghee",
    "pesto",
    "chocolate",
)
NOT_DAIRY = (
    "soymilk",
    "almond milk",
    "coconut milk",
    "coconut cream",
    "peanut butter",
    "almond butter",
    "cashew butter",
    "sesame butter",
    "seed butter",
    "cocoa",
)
EGG_WORDS = ("egg", "mayonnaise")
GLUTEN_WORDS = (
    "wheat",
    "barley",
    "rye",
    "bread",
    "pasta",
    "spaghetti",
    "macaroni",
    "noodles, egg",
    "noodles, japanese",
    "couscous",
    "bulgur",
    "flour",
    "farina",
    "semolina",
    "seitan",
    "oats",
    "bagel",
    "muffin",
    "cracker",
    "shoyu",
    "teriyaki",
    "hoisin",
    "miso",
    "yeast extract",
    "cereals",
    "soy sauce",
)
NOT_GLUTEN = ("gluten-free", "rice flour", "corn flour", "sorghum flour", "sauce, pasta", "squash")
HONEY_WORDS = ("honey",)
# For paleo (no grains, legumes, dairy, added sugar or alcohol).
GRAIN_CATEGORIES = {"Cereal Grains and Pasta", "Baked Products", "Breakfast Cereals"}
GRAIN_WORDS = (
    "rice",
    "corn",
    "cornmeal",
    "popcorn",
    "oats",
    "wheat",
    "barley",
    "rye",
    "quinoa",
    "buckwheat",
    "millet",
    "semolina",
    "farina",
    "bread",
    "pasta",
    "noodles",
    "tortillas",
    "couscous",
    "bulgur",
    "flour",
    "cereals",
)
LEGUME_WORDS = (
    "beans",
    "peas",
    "lentils",
    "chickpeas",
    "soy",
    "soymilk",
    "tofu",
    "tempeh",
    "edamame",
    "peanut",
    "peanuts",
    "miso",
    "hummus",
    "mung",
)
SUGAR_WORDS = (
    "sugar",
    "sugars",
    "syrup",
    "syrups",
    "chocolate",
    "candies",
    "sweetened",
    "catsup",
    "ketchup",
    "barbecue",
    "teriyaki",
    "hoisin",
    "sriracha",
    "dates",
)
NOT_SUGAR = ("unsweetened", "not sweetened")
ALCOHOL_WORDS = ("wine", "beer", "vodka", "rum", "whiskey", "liqueur", "extract")
NOT_ALCOHOL = ("vinegar",)


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole words (plural allowed): "egg" matches "Egg, whole" but not "Eggplant"."""
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")s?\b")


MEAT_RE = _words(MEAT_WORDS)
FISH_RE = _words(FISH_WORDS)
SHELLFISH_RE = _words(SHELLFISH_WORDS)
DAIRY_RE = _words(DAIRY_WORDS)
EGG_RE = _words(EGG_WORDS)
GLUTEN_RE = _words(GLUTEN_WORDS)
HONEY_RE = _words(HONEY_WORDS)
GRAIN_RE = _words(GRAIN_WORDS)
LEGUME_RE = _words(LEGUME_WORDS)
SUGAR_RE = _words(SUGAR_WORDS)
ALCOHOL_RE = _words(ALCOHOL_WORDS)


@dataclass
class Food:
    id: str
    name: str
    category: str
    kcal: float
    protein: float
    carbs: float
    fat: float
    fiber: float
    flags: set[str] = field(default_factory=set)


def _num(value: str) -> float:
    return float(value) if value else 0.0


def _flags(name: str, category: str) -> set[str]:
    low = name.lower()
    flags: set[str] = set()
    if category in MEAT_CATEGORIES or MEAT_RE.search(low):
        flags.add("meat")
    if category == "Finfish and Shellfish Products" or FISH_RE.search(low):
        flags.add("fish")
    if SHELLFISH_RE.search(low):
        flags.add("shellfish")
    if EGG_RE.search(low):
        flags.add("egg")
    dairy_word = DAIRY_RE.search(low) and not any(w in low for w in NOT_DAIRY)
    if dairy_word or (category == "Dairy and Egg Products" and "egg" not in flags):
        flags.add("dairy")
    if GLUTEN_RE.search(low) and not any(w in low for w in NOT_GLUTEN):
        flags.add("gluten")
    if category == "Baked Products" and "corn" not in low:
        flags.add("gluten")
    if HONEY_RE.search(low):
        flags.add("honey")
    if category in GRAIN_CATEGORIES or GRAIN_RE.search(low):
        flags.add("grain")
    if category == "Legumes and Legume Products" or LEGUME_RE.search(low):
        flags.add("legume")
    if SUGAR_RE.search(low) and not any(w in low for w in NOT_SUGAR):
        flags.add("added-sugar")
    if ALCOHOL_RE.search(low) and not any(w in low for w in NOT_ALCOHOL):
        flags.add("alcohol")
    return flags


def usda_dir() -> Path:
    in_repo = HERE.parent / "usda"
    if (in_repo / "foods.csv").exists():
        return in_repo
    return Path("/work/shared/data/usda")


def load_foods(directory: Path) -> dict[str, Food]:
    foods: dict[str, Food] = {}
    with (directory / "foods.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            foods[row["id"]] = Food(
                id=row["id"],
                name=row["name"],
                category=row["category"],
                kcal=_num(row["kcal"]),
                protein=_num(row["protein_g"]),
                carbs=_num(row["carbs_g"]),
                fat=_num(row["fat_g"]),
                fiber=_num(row["fiber_g"]),
                flags=_flags(row["name"], row["category"]),
            )
    return foods


@dataclass
class Totals:
    kcal: float = 0.0
    protein: float = 0.0
    carbs: float = 0.0
    fat: float = 0.0
    fiber: float = 0.0

    @property
    def net_carbs(self) -> float:
        return max(self.carbs - self.fiber, 0.0)


def validate_recipe(recipe: Any, file_meal: str, foods: dict[str, Food]) -> list[str]:
    errors: list[str] = []
    if not isinstance(recipe, dict):
        return ["recipe is not an object"]
    extra = set(recipe) - RECIPE_KEYS
    missing = RECIPE_KEYS - set(recipe)
    if extra:
        errors.append(f"unknown keys {sorted(extra)}")
    if missing:
        errors.append(f"missing keys {sorted(missing)}")
        return errors
    if not isinstance(recipe["slug"], str) or not SLUG_RE.match(recipe["slug"]):
        errors.append("slug must be lowercase words joined by '-'")
    for key in ("title", "description"):
        if not isinstance(recipe[key], str) or not recipe[key].strip():
            errors.append(f"{key} must be a non-empty string")
    meals = recipe["meal_types"]
    if (
        not isinstance(meals, list)
        or not meals
        or len(set(meals)) != len(meals)
        or not set(meals) <= set(MEAL_TYPES)
    ):
        errors.append(f"meal_types must be distinct values of {MEAL_TYPES}")
    elif file_meal not in meals:
        errors.append(f"meal_types must include {file_meal!r} (the file it is in)")
    if recipe["cuisine"] not in CUISINES:
        errors.append(f"cuisine {recipe['cuisine']!r} is not one of {sorted(CUISINES)}")
    prep = recipe["prep_minutes"]
    if not isinstance(prep, int) or isinstance(prep, bool) or not 1 <= prep <= 240:
        errors.append("prep_minutes must be an integer in 1..240")
    servings = recipe["servings"]
    if not isinstance(servings, int) or isinstance(servings, bool) or not 1 <= servings <= 12:
        errors.append("servings must be an integer in 1..12")
    steps = recipe["steps"]
    if (
        not isinstance(steps, list)
        or len(steps) < 2
        or not all(isinstance(s, str) and s.strip() for s in steps)
    ):
        errors.append("steps must be a list of at least two non-empty strings")
    ingredients = recipe["ingredients"]
    if not isinstance(ingredients, list) or not ingredients:
        errors.append("ingredients must be a non-empty list")
        return errors
    seen: set[str] = set()
    for i, ing in enumerate(ingredients):
        where = f"ingredient {i}"
        if not isinstance(ing, dict):
            errors.append(f"{where} is not an object")
            continue
        if set(ing) - INGREDIENT_KEYS or not {"fdc_id", "grams"} <= set(ing):
            errors.append(f"{where} keys must be fdc_id, grams and optional note")
            continue
        fid = ing["fdc_id"]
        if not isinstance(fid, str) or fid not in foods:
            errors.append(f"{where} fdc_id {fid!r} is not an id in foods.csv")
        elif fid in seen:
            errors.append(f"{where} fdc_id {fid} appears twice")
        else:
            seen.add(fid)
        grams = ing["grams"]
        if not isinstance(grams, int | float) or isinstance(grams, bool) or not 0 < grams <= 1000:
            errors.append(f"{where} grams must be a number in (0, 1000]")
        if "note" in ing and (not isinstance(ing["note"], str) or not ing["note"].strip()):
            errors.append(f"{where} note must be a non-empty string when present")
    return errors


def per_serving(recipe: dict[str, Any], foods: dict[str, Food]) -> Totals:
    t = Totals()
    for ing in recipe["ingredients"]:
        f = foods[ing["fdc_id"]]
        k = ing["grams"] / 100.0 / recipe["servings"]
        t.kcal += f.kcal * k
        t.protein += f.protein * k
        t.carbs += f.carbs * k
        t.fat += f.fat * k
        t.fiber += f.fiber * k
    return t


def diets_of(recipe: dict[str, Any], foods: dict[str, Food], t: Totals) -> set[str]:
    flags: set[str] = set()
    for ing in recipe["ingredients"]:
        flags |= foods[ing["fdc_id"]].flags
    diets = {"omnivore"}
    if not flags & {"meat", "fish", "shellfish"}:
        diets.add("vegetarian")
        if not flags & {"dairy", "egg", "honey"}:
            diets.add("vegan")
    if "meat" not in flags:
        diets.add("pescatarian")
    if "gluten" not in flags:
        diets.add("gluten-free")
    if "dairy" not in flags:
        diets.add("dairy-free")
    if not flags & {"grain", "legume", "dairy", "added-sugar", "alcohol"}:
        diets.add("paleo")
    if recipe["cuisine"] in MEDITERRANEAN_CUISINES:
        diets.add("mediterranean")
    net = t.net_carbs
    if net <= KETO_NET_CARBS_MAX and net * 4 <= KETO_NET_CARBS_MAX_SHARE * t.kcal:
        diets.add("keto-friendly")
    if t.protein >= HIGH_PROTEIN_MIN_G and t.protein * 4 >= HIGH_PROTEIN_MIN_SHARE * t.kcal:
        diets.add("high-protein")
    return diets


def show(slug: str, foods: dict[str, Food]) -> int:
    for meal in MEAL_TYPES:
        for recipe in json.loads((HERE / f"{meal}.json").read_text(encoding="utf-8")):
            if recipe["slug"] != slug:
                continue
            t = per_serving(recipe, foods)
            print(f"{recipe['title']} ({meal}.json, serves {recipe['servings']})")
            for ing in recipe["ingredients"]:
                f = foods.get(ing["fdc_id"])
                name = f.name if f else "?? unknown id"
                note = f"  [{ing['note']}]" if "note" in ing else ""
                print(f"  {ing['grams']:>6} g  {ing['fdc_id']:>8}  {name}{note}")
            print(
                f"per serving: {t.kcal:.0f} kcal, protein {t.protein:.1f} g, carbs {t.carbs:.1f} g"
                f" (net {t.net_carbs:.1f} g), fat {t.fat:.1f} g"
            )
            print(f"diets: {', '.join(sorted(diets_of(recipe, foods, t)))}")
            return 0
    print(f"no recipe with slug {slug!r}")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-recipe", action="store_true", help="print one line per recipe")
    parser.add_argument("--min-cell", type=int, default=6, help="minimum recipes per cell")
    parser.add_argument("--min-total", type=int, default=170, help="minimum recipes in all")
    parser.add_argument("--show", metavar="SLUG", help="print one recipe's ingredients by name")
    args = parser.parse_args(argv)

    foods = load_foods(usda_dir())
    if args.show:
        return show(args.show, foods)
    errors: list[str] = []
    warnings: list[str] = []
    slugs: dict[str, str] = {}
    coverage = {(m, d): 0 for m in MEAL_TYPES for d in DIETS}
    over_30 = dict.fromkeys(MEAL_TYPES, 0)
    cuisines: dict[str, int] = {}
    prep_buckets = {"<=10": 0, "11-20": 0, "21-30": 0, "31-45": 0, "46-60": 0, ">60": 0}
    total = 0

    for meal in MEAL_TYPES:
        path = HERE / f"{meal}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            errors.append(f"{path.name}: cannot read JSON ({exc})")
            continue
        if not isinstance(data, list):
            errors.append(f"{path.name}: top level must be a list")
            continue
        if args.per_recipe:
            print(f"\n== {path.name} ({len(data)} recipes)")
            print(f"{'slug':44} {'kcal':>5} {'P':>5} {'C':>5} {'F':>5} {'netC':>5}  diets")
        for recipe in data:
            slug = recipe.get("slug", "?") if isinstance(recipe, dict) else "?"
            problems = validate_recipe(recipe, meal, foods)
            if isinstance(slug, str) and slug in slugs:
                problems.append(f"slug also used in {slugs[slug]}")
            slugs[str(slug)] = path.name
            if problems:
                errors.extend(f"{path.name} {slug}: {p}" for p in problems)
                continue
            total += 1
            t = per_serving(recipe, foods)
            diets = diets_of(recipe, foods, t)
            for m in recipe["meal_types"]:
                for d in diets:
                    coverage[(m, d)] += 1
                if t.protein >= HIGH_PROTEIN_G:
                    over_30[m] += 1
                lo, hi = KCAL_RANGE[m]
                if not lo <= t.kcal <= hi:
                    warnings.append(f"{slug}: {t.kcal:.0f} kcal per serving outside {m} {lo}-{hi}")
            cuisines[recipe["cuisine"]] = cuisines.get(recipe["cuisine"], 0) + 1
            p = recipe["prep_minutes"]
            bucket = (
                "<=10"
                if p <= 10
                else "11-20"
                if p <= 20
                else "21-30"
                if p <= 30
                else "31-45"
                if p <= 45
                else "46-60"
                if p <= 60
                else ">60"
            )
            prep_buckets[bucket] += 1
            if args.per_recipe:
                short = ",".join(
                    sorted(
                        {"vegetarian": "veg", "vegan": "VG", "pescatarian": "pesc"}.get(d, d)
                        for d in diets - {"omnivore"}
                    )
                )
                print(
                    f"{slug:44} {t.kcal:5.0f} {t.protein:5.1f} {t.carbs:5.1f} {t.fat:5.1f}"
                    f" {t.net_carbs:5.1f}  {short}"
                )

    print(f"\nrecipes: {total} valid, {len(errors)} errors, {len(warnings)} warnings")
    print(f"cuisines: {dict(sorted(cuisines.items()))}")
    print(f"prep minutes: {prep_buckets}")
    print(f"recipes with >= {HIGH_PROTEIN_G:.0f} g protein per serving: {over_30}")
    print("\ncoverage (recipes per meal type x diet; a recipe counts for every diet it meets)")
    print(f"{'diet':15}" + "".join(f"{m:>11}" for m in MEAL_TYPES))
    short_cells = []
    for d in DIETS:
        print(f"{d:15}" + "".join(f"{coverage[(m, d)]:>11}" for m in MEAL_TYPES))
        short_cells += [f"{m} x {d}" for m in MEAL_TYPES if coverage[(m, d)] < args.min_cell]
    for w in warnings:
        print(f"warning: {w}")
    for e in errors:
        print(f"error: {e}")
    if short_cells:
        print(f"error: cells below {args.min_cell}: {', '.join(short_cells)}")
    if total < args.min_total:
        print(f"error: {total} recipes, at least {args.min_total} wanted")
    return 1 if errors or short_cells or total < args.min_total else 0


if __name__ == "__main__":
    sys.exit(main())
