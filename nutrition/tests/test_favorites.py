import uuid

import pytest

from core.testing import SchemaValidatingClient
from nutrition.models import Meal, MealPlan, Recipe
from nutrition.services import recipe_library_load
from nutrition.tests.recipe_fixtures import RECIPES, make_foods
from profiles.models import Favorite

pytestmark = pytest.mark.django_db
FAVORITES = "/api/users/favorites"


def a_meal(user, recipe):
    plan = MealPlan.objects.create(
        user=user,
        name="Week",
        status="ready",
        engine="manual",
        requested_engine="manual",
        start_date="2026-12-01",
        days=1,
        meals_per_day=1,
        kcal=2000,
        protein_g=150,
        carbs_g=200,
        fat_g=67,
    )
    return Meal.objects.create(
        plan=plan, day=1, slot=0, mealtime="dinner", recipe=recipe, name=recipe.title
    )


def test_recipes_and_own_meals_can_be_favourited(alice, alice_client):
    make_foods()
    recipe_library_load(recipes=RECIPES)
    salmon = Recipe.objects.get(slug="salmon-broccoli")
    meal = a_meal(alice, salmon)

    added_recipe = alice_client.post(
        FAVORITES, {"kind": "recipe", "id": str(salmon.pk)}, format="json"
    )
    added_meal = alice_client.post(FAVORITES, {"kind": "meal", "id": str(meal.pk)}, format="json")

    assert (added_recipe.status_code, added_meal.status_code) == (201, 201)
    assert added_recipe.json()["recipe"] == {
        "id": str(salmon.pk),
        "title": "Salmon with broccoli",
        "meal_types": ["dinner"],
        "cuisine": "mediterranean",
        "prep_minutes": 20,
        "energy_kcal": 451.4,
        "protein_g": 34.86,
        "tags": salmon.tags,
    }
    assert added_meal.json()["meal"] == {
        "id": str(meal.pk),
        "plan_id": str(meal.plan_id),
        "day": 1,
        "mealtime": "dinner",
        "name": "Salmon with broccoli",
        "recipe_id": str(salmon.pk),
    }
    listed = alice_client.get(FAVORITES).json()
    assert {item["kind"] for item in listed["results"]} == {"recipe", "meal"}


def test_another_users_meal_or_an_unknown_recipe_cannot_be_favourited(alice, bob):
    make_foods()
    recipe_library_load(recipes=RECIPES)
    bobs_meal = a_meal(bob, Recipe.objects.get(slug="egg-on-toast"))
    client = SchemaValidatingClient().as_user(alice)

    for kind, object_id in (("meal", bobs_meal.pk), ("recipe", uuid.uuid4())):
        response = client.post(FAVORITES, {"kind": kind, "id": str(object_id)}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "favorite_target_not_found"
    assert Favorite.objects.count() == 0
