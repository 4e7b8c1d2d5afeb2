"""The OpenAI engine against a local HTTP server answering ``POST /v1/responses`` the way the
Responses API does (the real SDK, real sockets; no database)."""

from __future__ import annotations

import copy
import json
import time
from dataclasses import replace

import pytest
from werkzeug import Request, Response

from nutrition.planner import (
    FoodMatch,
    Nutrients,
    OpenAIConfig,
    PlanRequest,
    RecipeOption,
    TokenUsage,
    openai_engine_available,
    plan_generate_openai,
)
from nutrition.tests.test_planner_optimiser import library

VEGAN = frozenset({"vegan", "vegetarian", "pescatarian", "dairy_free", "gluten_free"})
FOODS = {
    "rolled oats": FoodMatch("08120", "Oats, rolled", Nutrients(389, 16.9, 66.3, 6.9), tags=VEGAN),
    "milk": FoodMatch(
        "01077",
        "Milk, whole",
        Nutrients(61, 3.2, 4.8, 3.3),
        allergens=frozenset({"milk"}),
        tags=frozenset({"vegetarian", "pescatarian", "gluten_free"}),
    ),
    "banana": FoodMatch("09040", "Bananas, raw", Nutrients(89, 1.1, 22.8, 0.3), tags=VEGAN),
    "chicken breast": FoodMatch(
        "05062",
        "Chicken, broilers or fryers, breast, meat only, raw",
        Nutrients(120, 22.5, 0, 2.6),
        tags=frozenset({"gluten_free", "dairy_free"}),
    ),
    "brown rice": FoodMatch(
        "20037", "Rice, brown, cooked", Nutrients(123, 2.7, 25.6, 1.0), tags=VEGAN
    ),
    "broccoli": FoodMatch("11090", "Broccoli, raw", Nutrients(34, 2.8, 6.6, 0.4), tags=VEGAN),
    "olive oil": FoodMatch("04053", "Oil, olive", Nutrients(884, 0, 0, 100), tags=VEGAN),
    "salmon": FoodMatch(
        "15076",
        "Fish, salmon, Atlantic, raw",
        Nutrients(208, 20, 0, 13),
        allergens=frozenset({"fish"}),
        tags=frozenset({"pescatarian", "gluten_free", "dairy_free"}),
    ),
    "peanut butter": FoodMatch(
        "16098",
        "Peanut butter, smooth",
        Nutrients(588, 25, 20, 50),
        allergens=frozenset({"peanuts"}),
        tags=VEGAN,
    ),
}


def resolver(name: str) -> FoodMatch | None:
    return FOODS.get(name.lower())


def meal(meal_type, name, ingredients, prep=15):
    return {
        "meal_type": meal_type,
        "name": name,
        "description": f"{name}, simple and quick.",
        "cuisine": "american",
        "prep_minutes": prep,
        "ingredients": [{"name": n, "grams": g} for n, g in ingredients],
        "steps": ["Prepare the ingredients.", "Cook and serve."],
    }


GOOD_PLAN = {
    "days": [
        {
            "day": 1,
            "meals": [
                meal(
                    "breakfast", "Oat bowl", [("rolled oats", 80), ("milk", 250), ("banana", 100)]
                ),
                meal(
                    "lunch",
                    "Chicken rice bowl",
                    [
                        ("chicken breast", 150),
                        ("brown rice", 200),
                        ("broccoli", 150),
                        ("olive oil", 10),
                    ],
                ),
                meal(
                    "dinner",
                    "Salmon with rice",
                    [("salmon", 150), ("brown rice", 150), ("broccoli", 100)],
                ),
            ],
        }
    ]
}
# GOOD_PLAN's day at one serving each, from FOODS: 1,648.6 kcal, 102.8 g protein, 193.9 g
# carbs, 52 g fat.
REQUEST = PlanRequest(days=1, meals_per_day=3, kcal=1650, protein_g=103, carbs_g=194, fat_g=52)


def with_ingredient(plan, meal_index, name, grams):
    changed = copy.deepcopy(plan)
    changed["days"][0]["meals"][meal_index]["ingredients"].append({"name": name, "grams": grams})
    return changed


def answer(text, *, input_tokens=800, output_tokens=400):
    if not isinstance(text, str):
        text = json.dumps(text)
    return {
        "id": "resp_test",
        "object": "response",
        "created_at": 1764000000,
        "status": "completed",
        "model": "gpt-test",
        "output": [
            {
                "type": "message",
                "id": "msg_test",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        },
    }


@pytest.fixture
def config(httpserver):
    return OpenAIConfig(
        api_key="sk-test",
        model="gpt-test",
        base_url=httpserver.url_for("/v1"),
        timeout_seconds=5,
        max_retries=2,
    )


def generate(config, request=REQUEST):
    return plan_generate_openai(
        request, recipes=library(), food_resolver=resolver, seed=3, config=config
    )


def sent(httpserver, index):
    return httpserver.log[index][0].get_json()


def test_a_good_answer_becomes_a_plan_of_our_foods_and_our_numbers(httpserver, config):
    httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
        answer(GOOD_PLAN)
    )

    result = generate(config)

    assert result.engine == "openai"
    assert result.requested_engine == "openai"
    assert result.fallback_reason is None
    assert result.attempts == 1
    assert result.model == "gpt-test"
    assert result.usage == TokenUsage(input_tokens=800, output_tokens=400, total_tokens=1200)
    assert result.notes == ()
    (day,) = result.days
    assert [m.servings for m in day.meals] == [1.0, 1.0, 1.0]
    assert [m.recipe_id for m in day.meals] == [None, None, None]
    assert day.totals == Nutrients(1648.6, 102.8, 193.9, 52.0)
    assert day.within_tolerance
    breakfast = day.meals[0].generated
    assert breakfast is not None
    assert breakfast.name == "Oat bowl"
    assert [(i.food_id, i.name, i.asked_as, i.grams) for i in breakfast.ingredients] == [
        ("08120", "Oats, rolled", "rolled oats", 80.0),
        ("01077", "Milk, whole", "milk", 250.0),
        ("09040", "Bananas, raw", "banana", 100.0),
    ]
    assert day.meals[0].nutrients == Nutrients(552.7, 22.6, 87.8, 14.1)
    # what the SDK sent: the Responses API with a strict JSON schema of our plan
    body = sent(httpserver, 0)
    assert body["model"] == "gpt-test"
    assert body["text"]["format"]["type"] == "json_schema"
    assert body["text"]["format"]["strict"] is True
    assert body["text"]["format"]["name"] == "AIPlan"
    assert body["text"]["format"]["schema"]["additionalProperties"] is False
    assert "breakfast" in body["input"][0]["content"]
    assert httpserver.log[0][0].headers["Authorization"] == "Bearer sk-test"


def test_portions_are_fixed_by_our_solver_when_the_model_misses_the_targets(httpserver, config):
    httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
        answer(GOOD_PLAN)
    )
    # half the calories and macros again: every meal must grow by about half
    request = PlanRequest(days=1, meals_per_day=3, kcal=2472, protein_g=154, carbs_g=291, fat_g=78)

    result = generate(config, request)

    (day,) = result.days
    assert result.engine == "openai"
    assert [m.servings for m in day.meals] == [1.5, 1.5, 1.5]
    assert day.within_tolerance
    assert [i.grams for i in day.meals[0].generated.ingredients] == [120.0, 375.0, 150.0]


def test_an_answer_with_an_allergen_is_sent_back_then_falls_back_to_our_engine(httpserver, config):
    bad = with_ingredient(GOOD_PLAN, 0, "peanut butter", 30)
    for _ in range(2):
        httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
            answer(bad)
        )
    request = PlanRequest(
        days=1,
        meals_per_day=3,
        kcal=1650,
        protein_g=103,
        carbs_g=194,
        fat_g=52,
        allergies=frozenset({"peanuts"}),
    )

    result = generate(config, request)

    assert result.engine == "optimiser"
    assert result.requested_engine == "openai"
    assert result.fallback_reason == (
        "unusable_answer: day 1 breakfast 'Oat bowl': 'peanut butter' contains peanuts (an allergy)"
    )
    assert result.attempts == 2
    assert result.usage == TokenUsage(input_tokens=1600, output_tokens=800, total_tokens=2400)
    assert len(result.days) == 1
    assert all(m.recipe_id is not None for m in result.meals)
    assert result.days[0].within_tolerance
    # the retry told the model what was wrong
    retry = sent(httpserver, 1)
    assert [message["role"] for message in retry["input"]] == ["user", "assistant", "user"]
    assert retry["input"][2]["content"] == (
        "That plan cannot be used:\n- day 1 breakfast 'Oat bowl': 'peanut butter' contains "
        "peanuts (an allergy)\nWrite the whole plan again, fixing these."
    )


def test_a_diet_violation_is_caught_on_our_food_data(httpserver, config):
    for _ in range(2):
        httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
            answer(GOOD_PLAN)
        )
    request = PlanRequest(
        days=1, meals_per_day=3, kcal=1650, protein_g=103, carbs_g=194, fat_g=52, diet="vegan"
    )

    result = generate(config, request)

    assert result.engine == "optimiser"
    assert result.fallback_reason == (
        "unusable_answer: day 1 breakfast 'Oat bowl': 'milk' does not fit the vegan diet; day "
        "1 lunch 'Chicken rice bowl': 'chicken breast' does not fit the vegan diet; day 1 "
        "dinner 'Salmon with rice': 'salmon' does not fit the vegan diet"
    )


def test_an_unknown_ingredient_is_sent_back_and_a_corrected_answer_is_used(httpserver, config):
    httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
        answer(with_ingredient(GOOD_PLAN, 1, "dragon fruit foam", 40), input_tokens=700)
    )
    httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
        answer(GOOD_PLAN, input_tokens=900)
    )

    result = generate(config)

    assert result.engine == "openai"
    assert result.fallback_reason is None
    assert result.attempts == 2
    assert result.usage == TokenUsage(input_tokens=1600, output_tokens=800, total_tokens=2400)
    assert sent(httpserver, 1)["input"][2]["content"] == (
        "That plan cannot be used:\n- day 1 lunch 'Chicken rice bowl': unknown ingredient "
        "'dragon fruit foam' (not in the food table; use a plain food name)\nWrite the whole "
        "plan again, fixing these."
    )


def test_a_pinch_of_an_unknown_ingredient_is_dropped_and_noted(httpserver, config):
    httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
        answer(with_ingredient(GOOD_PLAN, 2, "smoked sea salt", 2))
    )

    result = generate(config)

    assert result.engine == "openai"
    assert result.attempts == 1
    assert result.notes == (
        "day 1 dinner 'Salmon with rice': dropped 'smoked sea salt' (2 g), not in the food table",
    )
    assert [i.asked_as for i in result.days[0].meals[2].generated.ingredients] == [
        "salmon",
        "brown rice",
        "broccoli",
    ]


def test_malformed_json_twice_falls_back_to_our_engine(httpserver, config):
    for _ in range(2):
        httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
            answer('{"days": [{"day": 1, "meals": [')
        )

    result = generate(config)

    assert result.engine == "optimiser"
    assert result.fallback_reason == (
        "unusable_answer: the answer is not valid JSON of the plan schema"
    )
    assert result.attempts == 2
    assert result.usage == TokenUsage(input_tokens=1600, output_tokens=800, total_tokens=2400)
    assert len(httpserver.log) == 2


def test_a_429_is_retried_by_the_sdk_then_succeeds(httpserver, config):
    httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
        {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit"}},
        status=429,
        headers={"retry-after-ms": "10"},
    )
    httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
        answer(GOOD_PLAN)
    )

    result = generate(config)

    assert result.engine == "openai"
    assert result.attempts == 1
    assert result.usage == TokenUsage(input_tokens=800, output_tokens=400, total_tokens=1200)
    assert [response.status_code for _, response in httpserver.log] == [429, 200]


def test_429_after_every_retry_falls_back(httpserver, config):
    for _ in range(3):  # the first try and max_retries=2
        httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
            {"error": {"message": "Rate limit reached", "type": "requests"}},
            status=429,
            headers={"retry-after-ms": "10"},
        )

    result = generate(config)

    assert result.engine == "optimiser"
    assert result.fallback_reason == "rate_limited: OpenAI answered 429 after retries"
    assert result.usage == TokenUsage()
    assert len(httpserver.log) == 3


def test_a_timeout_falls_back_to_our_engine(httpserver, config):
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(json.dumps(answer(GOOD_PLAN)), content_type="application/json")

    httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_handler(slow)
    quick = OpenAIConfig(
        api_key="sk-test",
        model="gpt-test",
        base_url=config.base_url,
        timeout_seconds=0.25,
        max_retries=0,
    )

    started = time.monotonic()
    result = generate(quick)

    assert time.monotonic() - started < 0.9
    assert result.engine == "optimiser"
    assert result.fallback_reason == "timeout: OpenAI did not answer in time"
    assert result.attempts == 1
    assert result.days[0].within_tolerance


def test_the_engine_is_unavailable_without_a_key_and_falls_back(settings):
    settings.OPENAI_API_KEY = None
    assert openai_engine_available() is False

    result = plan_generate_openai(REQUEST, recipes=library(), food_resolver=resolver)

    assert result.engine == "optimiser"
    assert result.fallback_reason == "unavailable: no OpenAI key configured"
    assert result.attempts == 0

    settings.OPENAI_API_KEY = "sk-configured"
    assert openai_engine_available() is True


def test_a_mediterranean_plan_is_checked_on_each_meals_cuisine(httpserver, config):
    keto = copy.deepcopy(GOOD_PLAN)
    keto["days"][0]["meals"][1]["cuisine"] = "italian"
    for _ in range(2):
        httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
            answer(keto)
        )
    request = PlanRequest(
        days=1,
        meals_per_day=3,
        kcal=1650,
        protein_g=103,
        carbs_g=194,
        fat_g=52,
        diet="mediterranean",
    )

    recipes = [replace(r, tags=r.tags | {"mediterranean"}) for r in library()]

    result = plan_generate_openai(
        request, recipes=recipes, food_resolver=resolver, seed=3, config=config
    )

    # the lunch is Italian (Mediterranean); breakfast and dinner are American
    assert result.engine == "optimiser"
    assert result.fallback_reason == (
        "unusable_answer: day 1 breakfast 'Oat bowl': the meal does not fit the mediterranean "
        "diet; day 1 dinner 'Salmon with rice': the meal does not fit the mediterranean diet"
    )


def test_keto_is_checked_on_each_meals_carbs(httpserver, config):
    for _ in range(2):
        httpserver.expect_ordered_request("/v1/responses", method="POST").respond_with_json(
            answer(GOOD_PLAN)
        )
    request = PlanRequest(
        days=1, meals_per_day=3, kcal=1650, protein_g=103, carbs_g=41, fat_g=119, diet="keto"
    )
    recipes = [  # a small keto library: 25 % protein, 10 % carbs, 65 % fat
        RecipeOption(
            id=i,
            slug=f"keto-{i}",
            meal_types=frozenset({meal_type}),
            prep_minutes=10,
            per_serving=Nutrients(kcal, kcal * 0.25 / 4, kcal * 0.10 / 4, kcal * 0.65 / 9),
            tags=frozenset({"keto-friendly"}),
        )
        for i, (meal_type, kcal) in enumerate(
            [(t, k) for t in ("breakfast", "lunch", "dinner") for k in (400, 450, 500, 550)]
        )
    ]

    result = plan_generate_openai(
        request, recipes=recipes, food_resolver=resolver, seed=3, config=config
    )

    assert result.engine == "optimiser"
    assert result.fallback_reason == (
        "unusable_answer: day 1 breakfast 'Oat bowl': the meal does not fit the keto diet; day "
        "1 lunch 'Chicken rice bowl': the meal does not fit the keto diet; day 1 dinner 'Salmon "
        "with rice': the meal does not fit the keto diet"
    )
