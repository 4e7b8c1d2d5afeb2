import pytest

from core.testing import QueryCounter
from nutrition.models import Recipe
from nutrition.services import recipe_library_load
from nutrition.tests.recipe_fixtures import RECIPES, make_foods

pytestmark = pytest.mark.django_db
RECIPES_URL = "/api/meals/recipes"


@pytest.fixture
def library_of_four(db):
    make_foods()
    recipe_library_load(recipes=RECIPES)


def titles(response):
    assert response.status_code == 200, response.json()
    return [item["title"] for item in response.json()["results"]]


def test_recipes_filter_by_meal_tags_allergens_cuisine_and_prep(alice_client, library_of_four):
    assert titles(alice_client.get(RECIPES_URL)) == [
        "Chicken, rice and broccoli",
        "Chickpea salad",
        "Egg on toast",
        "Salmon with broccoli",
    ]
    assert titles(alice_client.get(RECIPES_URL, {"meal_type": "dinner"})) == [
        "Chicken, rice and broccoli",
        "Salmon with broccoli",
    ]
    assert titles(alice_client.get(RECIPES_URL, {"tag": ["vegetarian", "gluten_free"]})) == [
        "Chickpea salad"
    ]
    assert titles(alice_client.get(RECIPES_URL, {"allergen_free": ["fish", "egg"]})) == [
        "Chicken, rice and broccoli",
        "Chickpea salad",
    ]
    assert titles(alice_client.get(RECIPES_URL, {"cuisine": "middle_eastern"})) == [
        "Chickpea salad"
    ]
    assert titles(alice_client.get(RECIPES_URL, {"max_prep_minutes": 10, "q": "egg"})) == [
        "Egg on toast"
    ]
    bad = alice_client.get(RECIPES_URL, {"tag": ["carnivore"]})
    assert (bad.status_code, bad.json()["errors"][0]["attr"]) == (400, "tag")


def test_a_recipe_with_its_foods_and_derived_values(alice_client, library_of_four):
    recipe = Recipe.objects.get(slug="egg-on-toast")

    with QueryCounter() as queries:
        response = alice_client.get(f"{RECIPES_URL}/{recipe.pk}")

    assert response.status_code == 200
    assert queries.count == 3  # the caller, the recipe, its foods
    body = response.json()
    assert body["per_serving"]["energy_kcal"] == 294.2
    assert body["tags"] == ["dairy_free", "high_protein", "pescatarian", "vegetarian"]
    assert body["allergens"] == ["egg", "wheat_gluten"]
    assert body["steps"] == ["Toast the bread.", "Fry the egg."]
    assert [(i["name"], i["grams"], i["kcal"]) for i in body["ingredients"]] == [
        ("Egg, whole, raw, fresh", 100.0, 143.0),
        ("Bread, whole-wheat, commercially prepared", 60.0, 151.2),
    ]


def test_a_retired_recipe_is_not_found(alice_client, library_of_four):
    recipe = Recipe.objects.get(slug="egg-on-toast")
    Recipe.objects.filter(pk=recipe.pk).update(is_active=False)

    assert alice_client.get(f"{RECIPES_URL}/{recipe.pk}").status_code == 404
    assert "Egg on toast" not in titles(alice_client.get(RECIPES_URL))


def test_the_recipe_list_costs_a_fixed_number_of_queries(alice_client, library_of_four):
    with QueryCounter() as small_page:
        assert alice_client.get(RECIPES_URL, {"limit": 2}).status_code == 200
    with QueryCounter() as whole_list:
        assert alice_client.get(RECIPES_URL).status_code == 200

    # The caller, the count, the page: whatever the page's size.
    assert small_page.count == whole_list.count == 3
