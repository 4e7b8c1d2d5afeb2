from collections import Counter

import pytest

from core.testing import SchemaValidatingClient, assert_owner_only
from nutrition.models import Meal, MealItem, MealPlan, Recipe
from nutrition.tests.factories import CustomFoodFactory, FoodFactory, PortionFactory
from profiles.selectors import nutrition_targets_for_user
from profiles.tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db
PLANS = "/api/meals/plans"
GENERATE = "/api/meals/plans/generate"
TARGETS = {"kcal": 2000, "protein_g": 150, "carbs_g": 200, "fat_g": 67}


def plan_rows():
    return (MealPlan.objects.count(), Meal.objects.count(), MealItem.objects.count())


def check_plan(body, *, days, meals_per_day):
    """The plan's days meet the tolerances and its totals are the sums of its foods."""
    assert body["status"] == "ready"
    assert len(body["plan_days"]) == days
    for day in body["plan_days"]:
        assert len(day["meals"]) == meals_per_day
        assert abs(day["deviation"]["kcal"]) <= 0.05, day["deviation"]
        for macro in ("protein_g", "carbs_g", "fat_g"):
            assert abs(day["deviation"][macro]) <= 0.10 + 0.005, day["deviation"]
        for meal in day["meals"]:
            assert meal["totals"]["kcal"] == pytest.approx(
                sum(i["kcal"] for i in meal["items"]), abs=0.2
            )
        assert day["totals"]["kcal"] == pytest.approx(
            sum(m["totals"]["kcal"] for m in day["meals"]), abs=0.5
        )


def test_our_engine_plans_at_once_within_the_rules(alice_client, library):
    body = {
        "days": 4,
        "meals_per_day": 4,
        **TARGETS,
        "diet": "vegetarian",
        "allergies": ["peanuts"],
    }

    response = alice_client.post(GENERATE, body, format="json")

    assert response.status_code == 201, response.json()
    plan = response.json()
    check_plan(plan, days=4, meals_per_day=4)
    assert (plan["engine"], plan["diet"], plan["allergies"]) == (
        "optimiser",
        "vegetarian",
        ["peanuts"],
    )
    recipe_ids = [m["recipe_id"] for d in plan["plan_days"] for m in d["meals"]]
    recipes = {str(r.pk): r for r in Recipe.objects.filter(pk__in=recipe_ids)}
    assert all("vegetarian" in recipes[r].tags for r in recipe_ids)
    assert not any("peanuts" in recipes[r].allergens for r in recipe_ids)
    by_day = [{m["recipe_id"] for m in d["meals"]} for d in plan["plan_days"]]
    for day in range(len(by_day)):
        for later in by_day[day + 1 : day + 3]:
            assert not by_day[day] & later, "a recipe repeats within three days"


def test_targets_and_diet_default_to_the_profile(alice, alice_client, library):
    ProfileFactory(user=alice, diet_type="pescatarian", allergies=["milk"])
    targets = nutrition_targets_for_user(user=alice)

    response = alice_client.post(GENERATE, {"days": 1, "meals_per_day": 3}, format="json")

    assert response.status_code == 201, response.json()
    plan = response.json()
    assert (plan["kcal"], plan["protein_g"], plan["carbs_g"], plan["fat_g"]) == (
        targets.calorie_target_kcal,
        targets.protein_g,
        targets.carbs_g,
        targets.fat_g,
    )
    assert (plan["diet"], plan["allergies"]) == ("pescatarian", ["milk"])


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"days": 0}, "days"),
        ({"days": 100}, "days"),
        ({"meals_per_day": 7}, "meals_per_day"),
        ({"kcal": 300}, "kcal"),
        ({"kcal": 20_000}, "kcal"),
        ({"kcal": 3000}, "kcal"),  # the macros add up to 2003 kcal
        ({"protein_g": -5}, "protein_g"),
        ({"diet": "carnivore"}, "diet"),
        ({"allergies": ["gluten"]}, "allergies"),
        ({"excluded_foods": ["8d1f4c1e-6a0b-4a53-9b1d-2f8f2c9c0e11"]}, "excluded_foods"),
        ({"engine": "magic"}, "engine"),
        ({"calories": 1}, "non_field_errors"),
    ],
)
def test_bad_requests_answer_400_naming_the_field_and_write_nothing(alice_client, change, attr):
    before = plan_rows()

    response = alice_client.post(GENERATE, {"days": 3, **TARGETS, **change}, format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["attr"] == attr
    assert plan_rows() == before


def test_without_a_profile_the_targets_are_required(alice_client):
    response = alice_client.post(GENERATE, {"days": 3}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "kcal"
    assert plan_rows() == (0, 0, 0)


def test_another_users_custom_food_cannot_be_excluded(alice_client, bob):
    food = CustomFoodFactory(owner=bob)

    response = alice_client.post(
        GENERATE, {"days": 3, **TARGETS, "excluded_foods": [str(food.pk)]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_food"


def test_an_impossible_request_answers_422_naming_what_to_relax(alice_client, library):
    before = plan_rows()

    response = alice_client.post(
        GENERATE, {"days": 2, **TARGETS, "max_prep_minutes": 5}, format="json"
    )

    assert response.status_code == 422, response.json()
    error = response.json()["errors"][0]
    assert (error["code"], error["attr"]) == ("plan_infeasible", "max_prep_minutes")
    assert plan_rows() == before


def test_the_engines_list_says_whether_openai_can_be_asked(alice_client, settings):
    settings.OPENAI_API_KEY = ""

    without_key = alice_client.get("/api/meals/engines")

    assert without_key.status_code == 200
    assert without_key.json() == [
        {
            "engine": "optimiser",
            "available": True,
            "reason": None,
            "completes": "at_once",
            "default": True,
        },
        {
            "engine": "openai",
            "available": False,
            "reason": "No OpenAI key is configured on this server.",
            "completes": "polled",
            "default": False,
        },
    ]
    settings.OPENAI_API_KEY = "sk-configured"
    assert alice_client.get("/api/meals/engines").json()[1] == {
        "engine": "openai",
        "available": True,
        "reason": None,
        "completes": "polled",
        "default": False,
    }


def test_the_engines_list_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/meals/engines").status_code == 401


def test_the_openai_engine_without_a_key_is_refused_naming_engine_and_nothing_is_written(
    alice_client, library, settings, django_capture_on_commit_callbacks
):
    settings.OPENAI_API_KEY = ""
    before = plan_rows()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = alice_client.post(
            GENERATE,
            {"days": 1, "meals_per_day": 3, **TARGETS, "engine": "openai"},
            format="json",
        )

    assert response.status_code == 400, response.json()
    error = response.json()["errors"][0]
    assert (error["code"], error["attr"]) == ("engine_unavailable", "engine")
    assert plan_rows() == before
    assert callbacks == []


def test_swap_one_meal_and_regenerate_one_day(alice_client, library):
    plan = alice_client.post(
        GENERATE, {"days": 3, "meals_per_day": 4, **TARGETS}, format="json"
    ).json()
    day2 = plan["plan_days"][1]
    lunch = next(m for m in day2["meals"] if m["mealtime"] == "lunch")
    others = {m["recipe_id"] for m in day2["meals"] if m["id"] != lunch["id"]}

    swapped = alice_client.post(f"{PLANS}/{plan['id']}/meals/{lunch['id']}/swap")

    assert swapped.status_code == 200, swapped.json()
    new_day2 = swapped.json()["plan_days"][1]
    new_lunch = next(m for m in new_day2["meals"] if m["mealtime"] == "lunch")
    assert new_lunch["recipe_id"] != lunch["recipe_id"]
    assert {m["recipe_id"] for m in new_day2["meals"] if m["mealtime"] != "lunch"} == others
    check_plan(swapped.json(), days=3, meals_per_day=4)

    regenerated = alice_client.post(f"{PLANS}/{plan['id']}/days/3/regenerate")

    assert regenerated.status_code == 200, regenerated.json()
    check_plan(regenerated.json(), days=3, meals_per_day=4)
    assert regenerated.json()["plan_days"][0] == swapped.json()["plan_days"][0]
    bad = alice_client.post(f"{PLANS}/{plan['id']}/days/4/regenerate")
    assert (bad.status_code, bad.json()["errors"][0]["attr"]) == (400, "day")


def manual_body(foods):
    return {
        "name": "My week",
        "start_date": "2026-12-01",
        "days": 2,
        **TARGETS,
        "meals": [
            {
                "day": 1,
                "slot": 0,
                "mealtime": "breakfast",
                "name": "Oats and milk",
                "items": [
                    {"food_id": str(foods["oats"].pk), "grams": 80},
                    {"food_id": str(foods["milk"].pk), "grams": 250},
                ],
            },
            {
                "day": 2,
                "slot": 0,
                "mealtime": "breakfast",
                "name": "Oats again",
                "description": "Same as Monday.",
                "items": [{"food_id": str(foods["oats"].pk), "grams": 100}],
            },
        ],
    }


@pytest.fixture
def foods(alice):
    oats = FoodFactory(
        name="Oats",
        category="Breakfast Cereals",
        energy_kcal=389,
        protein_g=16.89,
        carbs_g=66.27,
        fat_g=6.9,
    )
    PortionFactory(food=oats, seq=1, label="1 cup", grams=81)
    milk = CustomFoodFactory(
        owner=alice,
        name="My farm milk",
        category="Dairy",
        energy_kcal=64,
        protein_g=3.3,
        carbs_g=4.8,
        fat_g=3.6,
    )
    return {"oats": oats, "milk": milk}


def test_a_manual_plan_with_totals_from_its_foods(alice_client, foods):
    response = alice_client.post(PLANS, manual_body(foods), format="json")

    assert response.status_code == 201, response.json()
    plan = response.json()
    assert (plan["engine"], plan["status"], plan["days"]) == ("manual", "ready", 2)
    day1 = plan["plan_days"][0]
    assert day1["date"] == "2026-12-01"
    assert day1["meals"][0]["items"] == [
        {
            "food_id": str(foods["oats"].pk),
            "name": "Oats",
            "grams": 80.0,
            "kcal": 311.2,
            "protein_g": 13.5,
            "carbs_g": 53.0,
            "fat_g": 5.5,
        },
        {
            "food_id": str(foods["milk"].pk),
            "name": "My farm milk",
            "grams": 250.0,
            "kcal": 160.0,
            "protein_g": 8.2,
            "carbs_g": 12.0,
            "fat_g": 9.0,
        },
    ]
    assert day1["totals"] == {"kcal": 471.2, "protein_g": 21.7, "carbs_g": 65.0, "fat_g": 14.5}
    assert day1["deviation"]["kcal"] == -0.764


def test_a_manual_plan_refuses_unknown_and_foreign_foods(alice_client, bob, foods):
    foreign = CustomFoodFactory(owner=bob, name="Bob's milk")
    body = manual_body(foods)
    body["meals"][1]["items"][0]["food_id"] = str(foreign.pk)
    before = plan_rows()

    response = alice_client.post(PLANS, body, format="json")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("meals", "unknown_food")
    assert plan_rows() == before
    body["meals"][1]["items"][0]["grams"] = -5
    response = alice_client.post(PLANS, body, format="json")
    assert (response.status_code, response.json()["errors"][0]["attr"]) == (400, "meals")


@pytest.mark.parametrize(
    "targets",
    [
        {"kcal": 2000, "protein_g": 500, "carbs_g": 1000, "fat_g": 400},  # 14,600 kcal
        {"kcal": 3000, "protein_g": 150, "carbs_g": 200, "fat_g": 67},  # 2,003 kcal
    ],
)
def test_a_manual_plan_refuses_macros_that_cannot_add_up(alice_client, foods, targets):
    before = plan_rows()

    response = alice_client.post(PLANS, {**manual_body(foods), **targets}, format="json")

    assert response.status_code == 400, response.json()
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("kcal", "macros_inconsistent")
    assert plan_rows() == before


def test_an_update_refuses_targets_that_no_longer_add_up(alice_client, foods):
    plan = alice_client.post(PLANS, manual_body(foods), format="json").json()
    url = f"{PLANS}/{plan['id']}"

    refused = alice_client.put(url, {"kcal": 4000, "name": "Bulk"}, format="json")

    assert refused.status_code == 400, refused.json()
    error = refused.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("kcal", "macros_inconsistent")
    stored = MealPlan.objects.get(pk=plan["id"])
    assert (stored.name, stored.kcal) == ("My week", 2000)
    changed = alice_client.put(
        url, {"kcal": 2600, "carbs_g": 350, "fat_g": 67, "protein_g": 150}, format="json"
    )
    assert (changed.status_code, changed.json()["kcal"]) == (200, 2600)


def test_the_shopping_list_sums_grams_by_category_in_household_units(alice_client, foods):
    plan = alice_client.post(PLANS, manual_body(foods), format="json").json()

    response = alice_client.get(f"{PLANS}/{plan['id']}/shopping-list")

    assert response.status_code == 200
    assert response.json() == {
        "plan_id": plan["id"],
        "groups": [
            {
                "category": "Breakfast Cereals",
                "items": [
                    {
                        "food_id": str(foods["oats"].pk),
                        "name": "Oats",
                        "grams": 180.0,
                        "household": {"count": 2.25, "portion": "1 cup", "portion_grams": 81.0},
                    }
                ],
            },
            {
                "category": "Dairy",
                "items": [
                    {
                        "food_id": str(foods["milk"].pk),
                        "name": "My farm milk",
                        "grams": 250.0,
                        "household": None,
                    }
                ],
            },
        ],
    }


def test_delete_cancels_by_default_and_deletes_with_permanent(alice_client, foods):
    plan = alice_client.post(PLANS, manual_body(foods), format="json").json()
    url = f"{PLANS}/{plan['id']}"

    assert alice_client.delete(url).status_code == 204
    cancelled = alice_client.get(url).json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelled_at"] is not None
    assert alice_client.delete(url).status_code == 204  # again: no change
    refused = alice_client.put(url, {"kcal": 1800}, format="json")
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (400, "plan_cancelled")
    assert alice_client.put(url, {"name": "Old week"}, format="json").json()["name"] == "Old week"

    assert alice_client.delete(f"{url}?permanent=true").status_code == 204
    assert alice_client.get(url).status_code == 404
    assert plan_rows() == (0, 0, 0)


def test_put_changes_name_dates_and_targets(alice_client, foods):
    plan = alice_client.post(PLANS, manual_body(foods), format="json").json()

    response = alice_client.put(
        f"{PLANS}/{plan['id']}",
        {"start_date": "2026-12-07", "kcal": 1800, "carbs_g": 150},  # 1,803 kcal of macros
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["start_date"], response.json()["kcal"]) == ("2026-12-07", 1800)
    assert response.json()["plan_days"][1]["date"] == "2026-12-08"


def test_the_list_shows_only_the_callers_plans(alice_client, bob, foods):
    alice_client.post(PLANS, manual_body(foods), format="json")
    MealPlan.objects.create(
        user=bob,
        name="Bob's",
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

    response = alice_client.get(PLANS)

    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["My week"]
    assert alice_client.get(PLANS, {"status": "cancelled"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("GET", "", None),
        ("PUT", "", {"name": "Mine now"}),
        ("DELETE", "", None),
        ("DELETE", "?permanent=true", None),
        ("GET", "/shopping-list", None),
        ("POST", "/days/1/regenerate", None),
        ("POST", "/meals/{meal}/swap", None),
    ],
)
def test_another_users_plan_answers_404_and_nothing_changes(
    alice, bob, foods, method, suffix, data
):
    def make(owner):
        client = SchemaValidatingClient().as_user(owner)
        return client.post(PLANS, manual_body(foods), format="json").json()

    def url_for(plan):
        meal = plan["plan_days"][0]["meals"][0]["id"]
        return f"{PLANS}/{plan['id']}{suffix.format(meal=meal)}"

    assert_owner_only(
        method=method,
        url_for=url_for,
        owner=alice,
        stranger=bob,
        make_object=make,
        data=data,
        snapshot=lambda: (
            list(MealPlan.objects.values_list("name", "status")),
            Counter(Meal.objects.values_list("name", flat=True)),
        ),
    )


def test_the_shopping_list_never_counts_in_quantity_not_specified(alice_client):
    milk = FoodFactory(name="Milk, whole", category="Milk, whole", energy_kcal=61)
    PortionFactory(food=milk, seq=1, label="1 cup", grams=244)
    PortionFactory(food=milk, seq=2, label="Quantity not specified", grams=350)
    only_default = FoodFactory(name="Soup, NFS", category="Soups", energy_kcal=40)
    PortionFactory(food=only_default, seq=1, label="Quantity not specified", grams=350)
    body = {
        "name": "Milk",
        "start_date": "2026-12-01",
        "days": 1,
        **TARGETS,
        "meals": [
            {
                "day": 1,
                "slot": 0,
                "mealtime": "breakfast",
                "name": "Milk and soup",
                "items": [
                    {"food_id": str(milk.pk), "grams": 350},
                    {"food_id": str(only_default.pk), "grams": 350},
                ],
            }
        ],
    }
    plan = alice_client.post(PLANS, body, format="json").json()

    groups = alice_client.get(f"{PLANS}/{plan['id']}/shopping-list").json()["groups"]

    assert [(g["category"], [i["household"] for i in g["items"]]) for g in groups] == [
        ("Milk, whole", [{"count": 1.5, "portion": "1 cup", "portion_grams": 244.0}]),
        ("Soups", [None]),
    ]


def test_a_meal_of_another_plan_cannot_be_swapped_through_ones_own(alice_client, bob, foods):
    own = alice_client.post(PLANS, manual_body(foods), format="json").json()
    body = manual_body(foods)
    body["meals"][0]["items"] = body["meals"][0]["items"][:1]  # alice's own milk left out
    bobs = SchemaValidatingClient().as_user(bob).post(PLANS, body, format="json")
    bobs_meal = bobs.json()["plan_days"][0]["meals"][0]["id"]
    before = plan_rows()

    response = alice_client.post(f"{PLANS}/{own['id']}/meals/{bobs_meal}/swap")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert plan_rows() == before


def test_a_plan_reads_in_a_fixed_number_of_queries(alice_client, foods):
    plan = alice_client.post(PLANS, manual_body(foods), format="json").json()

    from core.testing import QueryCounter

    with QueryCounter() as queries:
        response = alice_client.get(f"{PLANS}/{plan['id']}")
    assert response.status_code == 200
    # The caller, the plan, its meals, their foods.
    assert queries.count == 4, [q["sql"] for q in queries.captured_queries]

    with QueryCounter() as queries:
        alice_client.get(f"{PLANS}/{plan['id']}/shopping-list")
    # The caller, the plan, the foods with grams, their portions.
    assert queries.count == 4, [q["sql"] for q in queries.captured_queries]


def test_generation_has_its_own_per_user_throttle(alice_client, monkeypatch, settings):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**settings.THROTTLE_RATES, "meal_plan_generate": "2/min"},
    )
    statuses = [
        alice_client.post(GENERATE, {"days": 0}, format="json").status_code for _ in range(3)
    ]

    assert statuses == [400, 400, 429]


def test_the_sweep_requeues_plans_left_pending(alice, library, settings):
    from datetime import timedelta

    from django.utils import timezone

    from nutrition.services.plans import meal_plan_generate, plan_params_resolve
    from nutrition.tasks import meal_plans_pending_sweep

    settings.OPENAI_API_KEY = "sk-configured"
    params = plan_params_resolve(user=alice, days=1, meals_per_day=3, **TARGETS)
    plan = meal_plan_generate(user=alice, params=params, engine="openai")  # task never ran
    fresh = meal_plan_generate(user=alice, params=params, engine="openai")
    # The key was removed after the plans were queued: the task falls back to our engine.
    settings.OPENAI_API_KEY = ""
    MealPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - timedelta(minutes=11))

    assert meal_plans_pending_sweep() == 1

    plan.refresh_from_db()
    fresh.refresh_from_db()
    assert (plan.status, plan.fallback_reason) == (
        "ready",
        "unavailable: no OpenAI key configured",
    )
    assert fresh.status == "pending"
    assert meal_plans_pending_sweep() == 0


def test_a_manual_recipe_meal_is_its_ingredients_at_the_servings_plus_extra_foods(alice_client):
    from nutrition.services import recipe_library_load
    from nutrition.tests.recipe_fixtures import RECIPES, make_foods

    foods = make_foods()
    recipe_library_load(recipes=RECIPES)
    salmon = Recipe.objects.get(slug="salmon-broccoli")
    body = {
        "name": "One dinner",
        "start_date": "2026-12-01",
        "days": 1,
        **TARGETS,
        "meals": [
            {
                "day": 1,
                "slot": 0,
                "mealtime": "dinner",
                "recipe_id": str(salmon.pk),
                "servings": 1.5,
                "items": [{"food_id": str(foods["20045"].pk), "grams": 100}],
            }
        ],
    }

    response = alice_client.post(PLANS, body, format="json")

    assert response.status_code == 201, response.json()
    [meal] = response.json()["plan_days"][0]["meals"]
    assert (meal["name"], meal["servings"], meal["steps"]) == (
        "Salmon with broccoli",
        1.5,
        ["Roast the salmon and broccoli with the oil."],
    )
    assert [(i["name"][:12], i["grams"]) for i in meal["items"]] == [
        ("Fish, salmon", 225.0),
        ("Broccoli, ra", 225.0),
        ("Oil, olive, ", 15.0),
        ("Rice, white,", 100.0),
    ]
    # 1.5 x 451.4 kcal + 100 g of rice (130 kcal)
    assert meal["totals"]["kcal"] == 807.1


def test_put_replaces_the_meals_and_refuses_foreign_foods(alice_client, bob, foods):
    plan = alice_client.post(PLANS, manual_body(foods), format="json").json()
    url = f"{PLANS}/{plan['id']}"
    meals = [
        {
            "day": 1,
            "slot": 0,
            "mealtime": "lunch",
            "name": "Just oats",
            "items": [{"food_id": str(foods["oats"].pk), "grams": 50}],
        }
    ]

    response = alice_client.put(url, {"days": 1, "meals": meals}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["days"], body["engine"]) == (1, "manual")
    [day] = body["plan_days"]
    assert [(m["name"], m["totals"]["kcal"]) for m in day["meals"]] == [("Just oats", 194.5)]
    assert Meal.objects.count() == 1

    before = plan_rows()
    foreign = CustomFoodFactory(owner=bob)
    meals[0]["items"][0]["food_id"] = str(foreign.pk)
    refused = alice_client.put(url, {"meals": meals}, format="json")
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (400, "unknown_food")
    assert plan_rows() == before
    shrink = alice_client.put(url, {"days": 1}, format="json")
    assert shrink.status_code == 200


def test_the_plan_list_costs_a_fixed_number_of_queries(alice_client, foods):
    from core.testing import QueryCounter

    for _ in range(3):
        alice_client.post(PLANS, manual_body(foods), format="json")

    with QueryCounter() as queries:
        response = alice_client.get(PLANS)

    assert response.json()["count"] == 3
    # The caller, the count, the page.
    assert queries.count == 3, [q["sql"] for q in queries.captured_queries]
