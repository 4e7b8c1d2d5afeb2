"""The OpenAI engine through the API: POST /api/meals/plans/generate with engine openai answers
202 with a pending plan, the Celery task (eager in tests, after commit) asks a local server
that speaks the Responses API, maps the answer's ingredients to our foods and stores the plan
with its token usage."""

import json

import pytest
from werkzeug import Request, Response

from nutrition.models import MealPlan
from nutrition.services.plans import _food_resolver

pytestmark = pytest.mark.django_db
GENERATE = "/api/meals/plans/generate"
MEALS = [
    ("breakfast", "Oat bowl", [("rolled oats", 80), ("banana", 120)]),
    (
        "lunch",
        "Chicken rice bowl",
        [("chicken breast", 150), ("brown rice", 200), ("broccoli", 150)],
    ),
    ("dinner", "Salmon with rice", [("salmon", 150), ("brown rice", 150), ("olive oil", 10)]),
]


def plan_body():
    return {
        "days": [
            {
                "day": 1,
                "meals": [
                    {
                        "meal_type": meal_type,
                        "name": name,
                        "description": f"{name}, simple and quick.",
                        "cuisine": "american",
                        "prep_minutes": 15,
                        "ingredients": [{"name": n, "grams": g} for n, g in ingredients],
                        "steps": ["Prepare the ingredients.", "Cook and serve."],
                    }
                    for meal_type, name, ingredients in MEALS
                ],
            }
        ]
    }


def responses_answer(text):
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
            "input_tokens": 800,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 400,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 1200,
        },
    }


def targets_of_the_answer(user):
    """The day's nutrients at one portion each, from the foods our search maps the names to."""
    resolve = _food_resolver(user)
    totals = [0.0, 0.0, 0.0, 0.0]
    for _, _, ingredients in MEALS:
        for name, grams in ingredients:
            match = resolve(name)
            assert match is not None, name
            for i, value in enumerate(match.per_100g.as_tuple()):
                totals[i] += value * grams / 100
    kcal, protein, carbs, fat = (round(v) for v in totals)
    return {"kcal": kcal, "protein_g": protein, "carbs_g": carbs, "fat_g": fat}


def test_an_openai_plan_is_generated_in_a_task_from_our_foods(
    alice, alice_client, library, settings, httpserver, django_capture_on_commit_callbacks
):
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.OPENAI_MODEL = "gpt-test"
    answers = []

    def respond(request: Request) -> Response:
        answers.append(request.get_json())
        body = responses_answer(json.dumps(plan_body()))
        return Response(json.dumps(body), status=200, content_type="application/json")

    httpserver.expect_request("/v1/responses", method="POST").respond_with_handler(respond)
    targets = targets_of_the_answer(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            GENERATE,
            {"days": 1, "meals_per_day": 3, **targets, "engine": "openai"},
            format="json",
        )

    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "pending"
    plan = alice_client.get(f"/api/meals/plans/{response.json()['id']}").json()
    assert (plan["status"], plan["requested_engine"], plan["engine"]) == (
        "ready",
        "openai",
        "openai",
    )
    assert plan["fallback_reason"] == ""
    assert (plan["model"], plan["attempts"], plan["total_tokens"]) == ("gpt-test", 1, 1200)
    [day] = plan["plan_days"]
    assert [m["name"] for m in day["meals"]] == [name for _, name, _ in MEALS]
    assert all(m["recipe_id"] is None and m["items"] for m in day["meals"])
    assert abs(day["deviation"]["kcal"]) <= 0.05
    assert len(answers) == 1
    assert MealPlan.objects.get().input_tokens == 800
