import pytest

from core.testing import SchemaValidatingClient, assert_owner_only
from nutrition.models import Food, Portion
from nutrition.tests.factories import CustomFoodFactory, FoodFactory

pytestmark = pytest.mark.django_db
FOODS = "/api/meals/foods"
GRANOLA = {
    "name": "Grandma's granola with almonds",
    "category": "Breakfast Cereals",
    "energy_kcal": 450,
    "protein_g": 10,
    "carbs_g": 60,
    "fat_g": 18.5,
    "fiber_g": 7,
    "sugar_g": 20,
    "sat_fat_g": 3,
    "sodium_mg": 120,
    "portions": [{"label": "1 cup", "grams": 110}, {"label": "1 tbsp", "grams": 7.5}],
}


def snapshot():
    return (Food.objects.count(), Portion.objects.count())


def test_a_custom_food_is_created_private_with_derived_allergens(alice, alice_client):
    response = alice_client.post(FOODS, GRANOLA, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    food = Food.objects.get(pk=body["id"])
    assert body == {
        "id": str(food.pk),
        "name": "Grandma's granola with almonds",
        "category": "Breakfast Cereals",
        "source": "custom",
        "fdc_id": None,
        "is_own": True,
        "per_100g": {
            "energy_kcal": 450.0,
            "protein_g": 10.0,
            "carbs_g": 60.0,
            "fat_g": 18.5,
            "fiber_g": 7.0,
            "sugar_g": 20.0,
            "sat_fat_g": 3.0,
            "sodium_mg": 120.0,
        },
        "allergens": ["tree_nuts", "wheat_gluten"],
        "diet_flags": ["grain"],
        "portions": [{"label": "1 cup", "grams": 110.0}, {"label": "1 tbsp", "grams": 7.5}],
    }
    assert food.owner == alice
    assert food.fdc_id is None


def test_optional_nutrients_may_be_left_out(alice_client):
    body = {"name": "Plain thing", "energy_kcal": 100, "protein_g": 5, "carbs_g": 10, "fat_g": 4}

    response = alice_client.post(FOODS, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["per_100g"]["fiber_g"] is None
    assert response.json()["portions"] == []


@pytest.mark.parametrize(
    ("change", "attr", "code"),
    [
        ({"protein_g": 50, "carbs_g": 40, "fat_g": 20}, "fat_g", "nutrients_inconsistent"),
        ({"energy_kcal": 100}, "energy_kcal", "nutrients_inconsistent"),
        ({"fiber_g": 61}, "fiber_g", "nutrients_inconsistent"),
        ({"sugar_g": 70}, "sugar_g", "nutrients_inconsistent"),
        ({"sat_fat_g": 19}, "sat_fat_g", "nutrients_inconsistent"),
        ({"energy_kcal": 903}, "energy_kcal", "max_value"),
        ({"protein_g": -1}, "protein_g", "min_value"),
        ({"sodium_mg": 40_001}, "sodium_mg", "max_value"),
        ({"protein_g": "10"}, "protein_g", "invalid"),
        ({"protein_g": True}, "protein_g", "invalid"),
        ({"name": ""}, "name", "blank"),
        ({"name": 5}, "name", "invalid"),
        ({"portions": [{"label": "1 cup", "grams": -5}]}, "portions", "min_value"),
        ({"portions": [{"label": "1 cup"}]}, "portions", "required"),
        ({"calories": 5}, "non_field_errors", "unknown_field"),
    ],
)
def test_bad_input_answers_400_naming_the_field_and_writes_nothing(
    alice_client, change, attr, code
):
    before = snapshot()

    response = alice_client.post(FOODS, {**GRANOLA, **change}, format="json")

    assert response.status_code == 400, response.json()
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == (attr, code)
    assert snapshot() == before


def test_missing_required_nutrients_are_named(alice_client):
    response = alice_client.post(FOODS, {"name": "Nothing"}, format="json")

    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} == {
        "energy_kcal",
        "protein_g",
        "carbs_g",
        "fat_g",
    }


def test_a_food_by_id_public_or_own(alice, alice_client):
    public = FoodFactory(name="Kale, raw")
    own = CustomFoodFactory(owner=alice, name="Kale chips, mine")

    assert alice_client.get(f"{FOODS}/{public.pk}").json()["name"] == "Kale, raw"
    assert alice_client.get(f"{FOODS}/{own.pk}").json()["is_own"] is True


def test_another_users_custom_food_answers_404(alice, bob):
    assert_owner_only(
        method="GET",
        url_for=lambda food: f"{FOODS}/{food.pk}",
        owner=alice,
        stranger=bob,
        make_object=lambda owner: CustomFoodFactory(owner=owner),
    )


def test_anonymous_callers_cannot_create(api_client):
    before = snapshot()

    assert SchemaValidatingClient().post(FOODS, GRANOLA, format="json").status_code == 401
    assert snapshot() == before
