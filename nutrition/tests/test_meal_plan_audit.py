"""Every state change of a meal plan writes one audit row (ids and statuses only) in the same
transaction; a refused change writes none."""

import pytest

from core.testing import SchemaValidatingClient
from nutrition.models import MealPlan, MealPlanAuditEvent
from nutrition.tests.test_meal_plans import (
    GENERATE,
    PLANS,
    TARGETS,
    foods,  # noqa: F401 (fixture)
    manual_body,
)

pytestmark = pytest.mark.django_db


def trail(plan_id):
    return list(
        MealPlanAuditEvent.objects.filter(plan_id=plan_id)
        .order_by("created_at", "id")
        .values_list("action", "from_status", "to_status", "actor_id")
    )


def test_a_manual_plan_is_audited_from_creation_to_deletion(alice, alice_client, foods):  # noqa: F811
    plan = alice_client.post(PLANS, manual_body(foods), format="json").json()

    alice_client.put(f"{PLANS}/{plan['id']}", {"name": "Renamed"}, format="json")
    alice_client.delete(f"{PLANS}/{plan['id']}")
    alice_client.delete(f"{PLANS}/{plan['id']}")  # cancelled again: no change, no row
    alice_client.delete(f"{PLANS}/{plan['id']}?permanent=true")

    assert not MealPlan.objects.filter(pk=plan["id"]).exists()
    assert trail(plan["id"]) == [
        ("create", "", "ready", alice.pk),
        ("update", "ready", "ready", alice.pk),
        ("cancel", "ready", "cancelled", alice.pk),
        ("delete", "cancelled", "", alice.pk),
    ]
    # Ids and statuses only: no plan name, foods or targets.
    assert {f.name for f in MealPlanAuditEvent._meta.fields} == {
        "id",
        "actor",
        "action",
        "plan_id",
        "from_status",
        "to_status",
        "created_at",
    }


def test_generation_swap_and_day_regeneration_are_audited(alice, alice_client, library):
    plan = alice_client.post(
        GENERATE, {"days": 3, "meals_per_day": 4, **TARGETS}, format="json"
    ).json()
    lunch = next(m for m in plan["plan_days"][1]["meals"] if m["mealtime"] == "lunch")

    assert alice_client.post(f"{PLANS}/{plan['id']}/meals/{lunch['id']}/swap").status_code == 200
    assert alice_client.post(f"{PLANS}/{plan['id']}/days/3/regenerate").status_code == 200

    assert trail(plan["id"]) == [
        ("generate", "", "ready", alice.pk),
        ("swap", "ready", "ready", alice.pk),
        ("regenerate_day", "ready", "ready", alice.pk),
    ]


def test_an_openai_plan_is_audited_when_asked_and_when_the_task_finishes(
    alice, alice_client, library, settings, httpserver, django_capture_on_commit_callbacks
):
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    # OpenAI refuses the request (a permanent error): our engine answers, the plan is ready.
    httpserver.expect_request("/v1/responses", method="POST").respond_with_json(
        {"error": {"message": "Bad request", "type": "invalid_request_error", "code": None}},
        status=400,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            GENERATE, {"days": 1, "meals_per_day": 3, **TARGETS, "engine": "openai"}, format="json"
        )

    assert response.status_code == 202, response.json()
    assert trail(response.json()["id"]) == [
        ("generate", "", "pending", alice.pk),
        ("generated", "pending", "ready", None),
    ]


def test_refused_changes_write_no_audit_row(alice_client, bob, foods, library):  # noqa: F811
    bob_client = SchemaValidatingClient().as_user(bob)
    plan = alice_client.post(PLANS, manual_body(foods), format="json").json()
    before = MealPlanAuditEvent.objects.count()

    assert bob_client.delete(f"{PLANS}/{plan['id']}").status_code == 404
    assert bob_client.put(f"{PLANS}/{plan['id']}", {"name": "x"}, format="json").status_code == 404
    assert alice_client.post(GENERATE, {"days": 0, **TARGETS}, format="json").status_code == 400
    assert (
        alice_client.post(
            GENERATE, {"days": 2, **TARGETS, "max_prep_minutes": 5}, format="json"
        ).status_code
        == 422
    )
    # A manual plan's days cannot regenerate from the library (its meals are free-form foods).
    assert alice_client.post(f"{PLANS}/{plan['id']}/days/9/regenerate").status_code == 400

    assert MealPlanAuditEvent.objects.count() == before
