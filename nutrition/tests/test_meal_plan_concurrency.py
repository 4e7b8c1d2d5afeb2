"""Two changes of one plan's meals at once, against PostgreSQL with real threads (each with
its own connection): the plan's row lock makes the second wait for the first and then work on
its result, instead of deleting the meals it saw and failing on the meal slots' unique
constraint with the first one's new meals (a 500)."""

import threading
import time
import uuid

import pytest
from django.db import connection, connections, transaction

from nutrition.models import Meal, MealPlan
from nutrition.services.plans import (
    meal_plan_day_regenerate,
    meal_plan_generate,
    plan_params_resolve,
)
from nutrition.tests.test_meal_plans import TARGETS

pytestmark = pytest.mark.django_db(transaction=True)


def lock_waiters():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_a_day_regenerated_while_another_change_holds_the_plan_waits_for_it(alice, library):
    params = plan_params_resolve(user=alice, days=3, meals_per_day=3, **TARGETS)
    plan = meal_plan_generate(user=alice, params=params)
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def other_change():
        # What a first regeneration does: the plan locked, the day's meals replaced.
        try:
            with transaction.atomic():
                MealPlan.objects.select_for_update().get(pk=plan.pk)
                meals = list(Meal.objects.filter(plan_id=plan.pk, day=2))
                Meal.objects.filter(plan_id=plan.pk, day=2).delete()
                for meal in meals:
                    meal.pk = uuid.uuid4()
                Meal.objects.bulk_create(meals)
                holding.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    def regenerate():
        try:
            outcome["plan"] = meal_plan_day_regenerate(
                plan=MealPlan.objects.get(pk=plan.pk), day=2, seed=5
            )
        except Exception as exc:  # surfaced below
            outcome["error"] = exc
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_change)
    holder.start()
    assert holding.wait(timeout=10)
    worker = threading.Thread(target=regenerate)
    worker.start()
    deadline = time.monotonic() + 15
    while lock_waiters() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    waited = lock_waiters() == 1
    release.set()
    holder.join(timeout=20)
    worker.join(timeout=30)

    assert waited, "the regeneration did not wait for the plan's row lock"
    assert "error" not in outcome, outcome
    assert Meal.objects.filter(plan_id=plan.pk, day=2).count() == 3
