import json

import pytest

from nutrition import selectors
from nutrition.models import Recipe, RecipeIngredient
from nutrition.services import recipe_library_load, recipe_nutrients_refresh
from nutrition.tests.recipe_fixtures import RECIPES, make_foods

pytestmark = pytest.mark.django_db


def derived(slug):
    return Recipe.objects.filter(slug=slug).values(
        "energy_kcal",
        "protein_g",
        "carbs_g",
        "fat_g",
        "fiber_g",
        "sugar_g",
        "sat_fat_g",
        "sodium_mg",
        "serving_grams",
        "tags",
        "allergens",
    )[0]


def test_nutrients_tags_and_allergens_are_computed_from_the_foods():
    make_foods()

    report = recipe_library_load(recipes=RECIPES)

    assert (report.added, report.updated, report.unchanged, report.problems) == (4, 0, 0, [])
    assert derived("chicken-rice-broccoli") == {
        "energy_kcal": 453.2,
        "protein_g": 40.6,
        "carbs_g": 48.9,
        "fat_g": 9.72,
        "fiber_g": 3.2,
        "sugar_g": 1.77,
        "sat_fat_g": 1.69,
        "sodium_mg": 102.1,
        "serving_grams": 405.0,
        "tags": ["dairy_free", "gluten_free", "high_protein"],
        "allergens": [],
    }
    assert derived("salmon-broccoli") == {
        "energy_kcal": 451.4,
        "protein_g": 34.86,
        "carbs_g": 9.96,
        "fat_g": 30.68,
        "fiber_g": 3.9,
        "sugar_g": 2.55,
        "sat_fat_g": 6.01,
        "sodium_mg": 138.2,
        "serving_grams": 310.0,
        "tags": [
            "dairy_free",
            "gluten_free",
            "high_protein",
            "keto_friendly",
            "low_carb",
            "mediterranean",
            "paleo",
            "pescatarian",
        ],
        "allergens": ["fish"],
    }
    egg = derived("egg-on-toast")
    assert (egg["energy_kcal"], egg["protein_g"], egg["tags"], egg["allergens"]) == (
        294.2,
        20.03,
        ["dairy_free", "high_protein", "pescatarian", "vegetarian"],
        ["egg", "wheat_gluten"],
    )
    chickpea = derived("chickpea-salad")
    assert (chickpea["energy_kcal"], chickpea["tags"], chickpea["allergens"]) == (
        280.1,
        ["dairy_free", "gluten_free", "mediterranean", "pescatarian", "vegan", "vegetarian"],
        [],
    )
    # "middle-eastern" is stored as the profile's cuisine value.
    assert Recipe.objects.get(slug="chickpea-salad").cuisine == "middle_eastern"


def test_loading_again_changes_nothing_and_an_edit_is_an_update():
    make_foods()
    recipe_library_load(recipes=RECIPES)

    again = recipe_library_load(recipes=RECIPES)
    edited = [{**RECIPES[0], "servings": 4}, *RECIPES[1:]]
    after_edit = recipe_library_load(recipes=edited)

    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert (after_edit.added, after_edit.updated, after_edit.unchanged) == (0, 1, 3)
    assert derived("chicken-rice-broccoli")["energy_kcal"] == 226.6
    assert RecipeIngredient.objects.filter(recipe__slug="chicken-rice-broccoli").count() == 4


def test_a_changed_food_changes_its_recipes_on_refresh():
    foods = make_foods()
    recipe_library_load(recipes=RECIPES)
    foods["04053"].energy_kcal = 900
    foods["04053"].save()

    assert recipe_nutrients_refresh() == 4
    assert derived("salmon-broccoli")["energy_kcal"] == 453.0


def test_problems_are_reported_and_the_good_recipes_still_load(tmp_path):
    make_foods()
    (tmp_path / "good.json").write_text(json.dumps(RECIPES[:2]))
    (tmp_path / "single.json").write_text(json.dumps(RECIPES[2]))
    (tmp_path / "broken.json").write_text("{not json")
    bad = [
        {**RECIPES[3], "slug": "unknown-food", "ingredients": [{"fdc_id": "99999", "grams": 5}]},
        {**RECIPES[3], "slug": "no-meal-type", "meal_types": []},
        {**RECIPES[3], "slug": "negative", "ingredients": [{"fdc_id": "11090", "grams": -5}]},
        {**RECIPES[3], "slug": "chicken-rice-broccoli"},
        {**RECIPES[3], "slug": "extra", "calories": 300},
    ]
    (tmp_path / "problems.json").write_text(json.dumps({"recipes": bad}))

    report = recipe_library_load(directory=tmp_path)

    assert report.added == 3
    assert sorted(Recipe.objects.values_list("slug", flat=True)) == [
        "chicken-rice-broccoli",
        "egg-on-toast",
        "salmon-broccoli",
    ]
    problems = "\n".join(report.problems)
    assert "broken.json: not readable JSON" in problems
    assert (
        "recipe unknown-food: ingredients.0.fdc_id: '99999' is not a food of the USDA table"
        in problems
    )
    assert (
        "problems.json[1] (no-meal-type): meal_types: List should have at least 1 item" in problems
    )
    assert (
        "problems.json[2] (negative): ingredients.0.grams: Input should be greater than 0"
        in problems
    )
    assert "slug 'chicken-rice-broccoli' already used by good.json[0]" in problems
    assert "problems.json[4] (extra): calories: Extra inputs are not permitted" in problems
    assert len(report.problems) == 6
    # A library with problems never deactivates anything.
    assert report.deactivated == []


def test_a_clean_library_deactivates_recipes_it_no_longer_has(tmp_path):
    make_foods()
    recipe_library_load(recipes=RECIPES)
    (tmp_path / "all.json").write_text(json.dumps(RECIPES[1:]))

    report = recipe_library_load(directory=tmp_path)

    assert report.deactivated == ["chicken-rice-broccoli"]
    assert [r.slug for r in selectors.recipes_for_planner()] == [
        "chickpea-salad",
        "egg-on-toast",
        "salmon-broccoli",
    ]


def test_the_planner_reads_the_library_in_one_query(django_assert_num_queries):
    foods = make_foods()
    recipe_library_load(recipes=RECIPES)

    with django_assert_num_queries(1):
        recipes = selectors.recipes_for_planner()

    salmon = next(r for r in recipes if r.slug == "salmon-broccoli")
    assert (salmon.meal_types, salmon.prep_minutes, salmon.energy_kcal, salmon.allergens) == (
        ("dinner",),
        20,
        451.4,
        ("fish",),
    )
    assert set(salmon.food_ids) == {foods[c].pk for c in ("15076", "11090", "04053")}
