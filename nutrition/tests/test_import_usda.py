import csv
import io

import pytest
from django.core.management import call_command

from nutrition.models import Food, Portion, Recipe
from nutrition.services import recipe_library_load, usda_import
from nutrition.services.foods import USDA_DIR
from nutrition.tests.factories import CustomFoodFactory

pytestmark = pytest.mark.django_db
FOOD_HEADER = [
    "id",
    "name",
    "category",
    "kcal",
    "protein_g",
    "carbs_g",
    "fat_g",
    "fiber_g",
    "sugar_g",
    "sodium_mg",
    "saturated_fat_g",
    "source",
    "kcal_source",
]
PORTION_HEADER = ["id", "source", "seq", "amount", "unit", "description", "gram_weight"]
BROCCOLI = [
    "11090",
    "Broccoli, raw",
    "Vegetables and Vegetable Products",
    "34",
    "2.82",
    "6.64",
    "0.37",
    "2.6",
    "1.7",
    "33",
    "0.039",
    "usda-sr28",
    "reported",
]
MILK = [
    "01077",
    "Milk, whole, 3.25% milkfat, with added vitamin D",
    "Dairy and Egg Products",
    "61",
    "3.15",
    "4.8",
    "3.25",
    "0",
    "5.05",
    "43",
    "1.865",
    "usda-sr28",
    "reported",
]
SHAKE = [
    "11511000",
    "Milk shake, chocolate",
    "Milk shakes and other dairy drinks",
    "119",
    "3.4",
    "20.26",
    "2.81",
    "",
    "",
    "",
    "",
    "usda-fndds-2021-2023",
    "reported",
]


def write(path, header, rows):
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def release(tmp_path, name, foods, portions):
    directory = tmp_path / name
    directory.mkdir()
    return (
        write(directory / "foods.csv", FOOD_HEADER, foods),
        write(directory / "portions.csv", PORTION_HEADER, portions),
    )


def test_import_is_idempotent_and_a_newer_release_updates_what_changed(tmp_path):
    custom = CustomFoodFactory(name="My shake")
    first = release(
        tmp_path,
        "v1",
        [BROCCOLI, MILK],
        [
            ["11090", "usda-sr28", "1", "1", "cup chopped", "1 cup chopped", "91"],
            ["11090", "usda-sr28", "2", "1", "bunch", "1 bunch", "608"],
            ["01077", "usda-sr28", "1", "1", "cup", "1 cup", "244"],
        ],
    )
    newer = release(
        tmp_path,
        "v2",
        [[*BROCCOLI[:3], "35", *BROCCOLI[4:]], MILK, SHAKE],
        [
            ["11090", "usda-sr28", "1", "1", "cup chopped", "1 cup chopped", "88"],
            ["01077", "usda-sr28", "1", "1", "cup", "1 cup", "244"],
            [
                "11511000",
                "usda-fndds-2021-2023",
                "1",
                "",
                "Quantity not specified",
                "Quantity not specified",
                "350",
            ],
        ],
    )

    one = usda_import(foods_csv=first[0], portions_csv=first[1])
    again = usda_import(foods_csv=first[0], portions_csv=first[1])
    two = usda_import(foods_csv=newer[0], portions_csv=newer[1])

    assert (one.foods_added, one.foods_updated, one.foods_unchanged) == (2, 0, 0)
    assert (one.portions_added, one.portions_updated, one.portions_unchanged) == (3, 0, 0)
    assert (again.foods_added, again.foods_updated, again.foods_unchanged) == (0, 0, 2)
    assert (again.portions_added, again.portions_updated, again.portions_removed) == (0, 0, 0)
    assert (two.foods_added, two.foods_updated, two.foods_unchanged) == (1, 1, 1)
    assert (two.portions_added, two.portions_updated, two.portions_removed) == (1, 1, 1)
    broccoli = Food.objects.get(fdc_id="11090")
    assert (broccoli.energy_kcal, broccoli.protein_g, broccoli.sodium_mg) == (35.0, 2.82, 33.0)
    assert list(broccoli.portions.values_list("label", "grams")) == [("1 cup chopped", 88.0)]
    shake = Food.objects.get(fdc_id="11511000")
    assert (shake.dataset, shake.fiber_g, shake.sugar_g, shake.allergens) == (
        "usda-fndds-2021-2023",
        None,
        None,
        ["milk"],
    )
    custom.refresh_from_db()
    assert custom.name == "My shake"


def test_the_shipped_table_imports_whole_and_the_command_reports_it():
    out = io.StringIO()

    call_command("import_usda", "--no-progress", stdout=out)

    assert out.getvalue().splitlines() == [
        "Foods: 14220 added, 0 updated, 0 unchanged.",
        "Portions: 37481 added, 0 updated, 0 unchanged, 0 removed.",
    ]
    chicken = Food.objects.get(fdc_id="05062")
    assert (chicken.name, chicken.energy_kcal, chicken.protein_g, chicken.diet_flags) == (
        "Chicken, broiler or fryers, breast, skinless, boneless, meat only, raw",
        120.0,
        22.5,
        ["meat"],
    )
    assert Food.objects.get(fdc_id="82104000").energy_kcal == 900.0
    assert Portion.objects.filter(is_serving=False).count() == 314

    out = io.StringIO()
    call_command("import_usda", "--no-progress", stdout=out)
    assert out.getvalue().splitlines()[0] == "Foods: 0 added, 0 updated, 14220 unchanged."


def test_the_shipped_files_are_where_the_command_looks():
    assert (USDA_DIR / "foods.csv").exists()
    assert (USDA_DIR / "README.md").exists()


def test_a_newer_release_recomputes_the_recipes_of_the_foods_it_changed(tmp_path):
    """A re-import that gives a food an allergen (a better name, or a fixed rule) carries it
    to every recipe made of that food; load_recipes alone would skip the unchanged recipe."""
    sauce = [
        "06931",
        "Sauce, pasta, spaghetti/marinara, ready-to-serve",
        "Soups, Sauces, and Gravies",
        "51",
        "1.41",
        "7.92",
        "1.48",
        "1.9",
        "5.48",
        "437",
        "0.23",
        "usda-sr28",
        "reported",
    ]
    first = release(tmp_path, "v1", [BROCCOLI, sauce], [])
    usda_import(foods_csv=first[0], portions_csv=first[1])
    report = recipe_library_load(
        recipes=[
            {
                "slug": "broccoli-sauce",
                "title": "Broccoli in sauce",
                "meal_types": ["dinner"],
                "prep_minutes": 10,
                "servings": 1,
                "ingredients": [
                    {"fdc_id": "11090", "grams": 200},
                    {"fdc_id": "06931", "grams": 100},
                ],
            },
            {
                "slug": "broccoli-only",
                "title": "Broccoli",
                "meal_types": ["dinner"],
                "prep_minutes": 5,
                "servings": 1,
                "ingredients": [{"fdc_id": "11090", "grams": 200}],
            },
        ]
    )
    assert report.problems == []
    assert Recipe.objects.get(slug="broccoli-sauce").allergens == []
    newer = release(
        tmp_path,
        "v2",
        [BROCCOLI, [sauce[0], "Sauce, tomato, with parmesan cheese", *sauce[2:]]],
        [],
    )
    out = io.StringIO()

    call_command(
        "import_usda", "--no-progress", "--foods", newer[0], "--portions", newer[1], stdout=out
    )

    assert out.getvalue().splitlines() == [
        "Foods: 0 added, 1 updated, 1 unchanged.",
        "Portions: 0 added, 0 updated, 0 unchanged, 0 removed.",
        "Recipes: 1 recomputed from their updated foods.",
    ]
    recipe = Recipe.objects.get(slug="broccoli-sauce")
    assert (recipe.allergens, "dairy_free" in recipe.tags) == (["milk"], False)
