import pytest

from core.testing import QueryCounter, SchemaValidatingClient
from nutrition.tests.factories import CustomFoodFactory, FoodFactory, PortionFactory

pytestmark = pytest.mark.django_db
FOODS = "/api/meals/foods"


def names(response):
    assert response.status_code == 200, response.json()
    return [item["name"] for item in response.json()["results"]]


def test_the_plain_food_ranks_before_dishes_made_with_it(alice_client):
    FoodFactory(name="Chicken breast sandwich, grilled, on white bread")
    FoodFactory(name="Chicken breast tenders, breaded, cooked")
    FoodFactory(name="Chicken, broilers or fryers, breast, meat only, raw")
    FoodFactory(name="Chicken breast, baked, broiled, or roasted, skin not eaten")
    FoodFactory(name="Beef, ground, raw")

    found = names(alice_client.get(FOODS, {"q": "chicken breast"}))

    assert found == [
        "Chicken breast, baked, broiled, or roasted, skin not eaten",
        "Chicken, broilers or fryers, breast, meat only, raw",
        "Chicken breast tenders, breaded, cooked",
        "Chicken breast sandwich, grilled, on white bread",
    ]


def test_words_match_in_any_order_and_the_last_one_as_a_prefix(alice_client):
    FoodFactory(name="Yogurt, Greek, plain, nonfat")
    FoodFactory(name="Yogurt, plain, whole milk")

    assert names(alice_client.get(FOODS, {"q": "greek yogurt"})) == ["Yogurt, Greek, plain, nonfat"]
    assert names(alice_client.get(FOODS, {"q": "yogurt gre"})) == ["Yogurt, Greek, plain, nonfat"]


def test_a_typo_finds_the_food(alice_client):
    FoodFactory(name="Broccoli, raw")
    FoodFactory(name="Cauliflower, raw")
    FoodFactory(name="Chicken breast, roasted")
    FoodFactory(name="Chickpeas, canned")

    response = alice_client.get(FOODS, {"q": "brocoli"})

    assert names(response) == ["Broccoli, raw"]
    assert response.json()["count"] == 1


def test_the_typo_threshold_is_the_searchs_own(alice_client):
    FoodFactory(name="Chicken breast, roasted")
    FoodFactory(name="Chickpeas, canned")

    # Word similarity 0.5 for each word: found at the search's own threshold (0.4), which
    # the statement sets before its trigram scans; pg_trgm's default (0.6) would find nothing.
    # (The only search of this test: nothing else set the threshold in its transaction.)
    assert names(alice_client.get(FOODS, {"q": "chiken brest"})) == ["Chicken breast, roasted"]


def test_each_hit_has_its_nutrients_allergens_and_portions(alice_client):
    food = FoodFactory(
        name="Cheese, cheddar",
        fdc_id="01009",
        category="Dairy and Egg Products",
        energy_kcal=403,
        protein_g=22.87,
        carbs_g=3.37,
        fat_g=33.31,
        fiber_g=0,
        sugar_g=0.48,
        sat_fat_g=18.584,
        sodium_mg=653,
    )
    PortionFactory(food=food, seq=1, label="1 cup, diced", grams=132)
    PortionFactory(food=food, seq=2, label="1 oz", grams=28.35)
    PortionFactory(food=food, seq=3, label="Guideline amount per cup", grams=10, is_serving=False)

    [hit] = alice_client.get(FOODS, {"q": "cheddar"}).json()["results"]

    assert hit == {
        "id": str(food.pk),
        "name": "Cheese, cheddar",
        "category": "Dairy and Egg Products",
        "source": "usda",
        "fdc_id": "01009",
        "is_own": False,
        "per_100g": {
            "energy_kcal": 403.0,
            "protein_g": 22.87,
            "carbs_g": 3.37,
            "fat_g": 33.31,
            "fiber_g": 0.0,
            "sugar_g": 0.48,
            "sat_fat_g": 18.584,
            "sodium_mg": 653.0,
        },
        "allergens": ["milk"],
        "diet_flags": ["dairy"],
        "portions": [{"label": "1 cup, diced", "grams": 132.0}, {"label": "1 oz", "grams": 28.35}],
        "score": hit["score"],
    }
    assert hit["score"] > 1


def test_custom_foods_are_found_by_their_owner_only(alice, bob, alice_client):
    CustomFoodFactory(owner=alice, name="Oat cookies, Alice's recipe")
    CustomFoodFactory(owner=bob, name="Oat cookies, Bob's recipe")
    FoodFactory(name="Oat cookies, commercial")

    alice_sees = alice_client.get(FOODS, {"q": "oat cookies"}).json()["results"]
    bob_sees = SchemaValidatingClient().as_user(bob).get(FOODS, {"q": "oat cookies"}).json()

    assert {(h["name"], h["is_own"]) for h in alice_sees} == {
        ("Oat cookies, Alice's recipe", True),
        ("Oat cookies, commercial", False),
    }
    assert {h["name"] for h in bob_sees["results"]} == {
        "Oat cookies, Bob's recipe",
        "Oat cookies, commercial",
    }


def test_another_users_custom_food_is_invisible_even_to_a_typo(alice, bob):
    CustomFoodFactory(owner=alice, name="Secret sauce")

    response = SchemaValidatingClient().as_user(bob).get(FOODS, {"q": "secrit sauce"})

    assert names(response) == []
    assert response.json()["count"] == 0


def test_category_filters_search_and_browse(alice_client):
    FoodFactory(name="Apples, raw", category="Fruits")
    FoodFactory(name="Apple pie", category="Baked Products")
    FoodFactory(name="Bananas, raw", category="Fruits")

    assert names(alice_client.get(FOODS, {"q": "apple", "category": "Fruits"})) == ["Apples, raw"]
    assert names(alice_client.get(FOODS, {"category": "Fruits"})) == ["Apples, raw", "Bananas, raw"]


def test_browsing_without_a_query_lists_public_and_own_foods_by_name(alice, bob, alice_client):
    FoodFactory(name="Zucchini, raw")
    CustomFoodFactory(owner=alice, name="Alice's bars")
    CustomFoodFactory(owner=bob, name="Bob's bars")

    response = alice_client.get(FOODS, {"limit": 1, "offset": 1})

    assert names(response) == ["Zucchini, raw"]
    assert response.json()["count"] == 2
    assert response.json()["count_capped"] is False
    assert response.json()["results"][0]["score"] is None


def test_pages_follow_the_ranking_and_a_page_past_the_end_keeps_the_count(alice_client):
    for n in range(5):
        FoodFactory(name=f"Rice, variety {n}")

    first = alice_client.get(FOODS, {"q": "rice", "limit": 2}).json()
    past = alice_client.get(FOODS, {"q": "rice", "limit": 2, "offset": 10}).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"].endswith("limit=2&offset=2&q=rice")
    assert past["results"] == []
    assert past["count"] == 5


def test_a_search_page_costs_a_fixed_number_of_queries(alice, alice_client):
    for n in range(30):
        food = FoodFactory(name=f"Pasta, shape {n}")
        PortionFactory(food=food, seq=1)
        PortionFactory(food=food, seq=2)
    CustomFoodFactory(owner=alice, name="Pasta, homemade")

    with QueryCounter() as queries:
        response = alice_client.get(FOODS, {"q": "pasta", "limit": 25})

    assert len(response.json()["results"]) == 25
    # The caller, the page (candidates, ranking, count, portions).
    assert queries.count == 2, [q["sql"] for q in queries.captured_queries]

    with QueryCounter() as queries:
        response = alice_client.get(FOODS, {"limit": 25})
    assert len(response.json()["results"]) == 25
    assert queries.count == 2, [q["sql"] for q in queries.captured_queries]

    with QueryCounter() as queries:
        response = alice_client.get(FOODS, {"q": "pastta", "limit": 25})
    assert len(response.json()["results"]) == 25
    # The caller, the full-text page (empty), the typo page.
    assert queries.count == 3, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"sort": "name"}, "non_field_errors"),
    ],
)
def test_bad_parameters_answer_400_naming_them(alice_client, params, attr):
    response = alice_client.get(FOODS, params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(FOODS, {"q": "rice"}).status_code == 401


def test_the_count_stops_at_the_cap_and_says_so(alice_client, monkeypatch):
    from nutrition import selectors

    monkeypatch.setattr(selectors, "CANDIDATES_MAX", 3)
    for n in range(5):
        FoodFactory(name=f"Lentils, kind {n}")

    body = alice_client.get(FOODS, {"q": "lentils", "limit": 2}).json()

    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 2)
