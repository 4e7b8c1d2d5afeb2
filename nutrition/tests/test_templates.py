import pytest

from nutrition.models import MealPlanTemplate
from nutrition.services import templates_load

pytestmark = pytest.mark.django_db
TEMPLATES = "/api/meals/templates"


def test_templates_come_from_the_data_file_with_macros_in_grams(alice_client):
    assert templates_load() == 23
    assert templates_load() == 23  # again: nothing duplicated
    assert MealPlanTemplate.objects.count() == 23

    response = alice_client.get(TEMPLATES)

    assert response.status_code == 200
    body = response.json()
    assert [t["slug"] for t in body[:3]] == ["balanced-1800", "balanced-2200", "balanced-2600"]
    high_protein = next(t for t in body if t["slug"] == "high-protein-2000")
    assert {k: v for k, v in high_protein.items() if k != "id"} == {
        "slug": "high-protein-2000",
        "name": "High-protein, 2000 kcal",
        "description": "For training days and lean mass: protein at every meal.",
        "diet": "omnivore",
        "calories_kcal": 2000,
        "protein_g": 175,  # 35 % of 2000 kcal at 4 kcal/g
        "carbs_g": 200,  # 40 %
        "fat_g": 56,  # 25 % at 9 kcal/g
        "meals_per_day": 5,
        "max_prep_minutes": None,
        "cuisines": [],
    }
    assert {t["diet"] for t in body} == {
        "omnivore",
        "vegetarian",
        "vegan",
        "mediterranean",
        "keto",
        "pescatarian",
    }


def test_templates_need_a_signed_in_caller(api_client):
    assert api_client.get(TEMPLATES).status_code == 401


def test_the_template_list_costs_a_fixed_number_of_queries(alice_client):
    from core.testing import QueryCounter

    templates_load()

    with QueryCounter() as queries:
        response = alice_client.get(TEMPLATES)

    assert len(response.json()) == 23
    assert queries.count == 2  # the caller, the templates
