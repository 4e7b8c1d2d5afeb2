import io

import pytest
from django.core.management import call_command

from nutrition.models import Food, MealPlan, MealPlanTemplate, Recipe

pytestmark = pytest.mark.django_db


def test_the_demo_has_foods_recipes_templates_and_a_week_for_the_demo_user(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()

    call_command("seed_demo", "--only", "accounts", "nutrition", stdout=out)
    call_command("seed_demo", "--only", "accounts", "nutrition", stdout=io.StringIO())

    assert Food.objects.filter(source="usda").count() == 14220
    assert Recipe.objects.filter(is_active=True).count() >= 150
    assert MealPlanTemplate.objects.count() == 23
    plan = MealPlan.objects.get(user__email="user@fitcore.local")
    assert (plan.status, plan.days, plan.meals.count()) == ("ready", 7, 28)
    assert "demo meal plan" in out.getvalue()
