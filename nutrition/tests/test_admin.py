import pytest

from nutrition.services import recipe_library_load
from nutrition.tests.recipe_fixtures import RECIPES, make_foods

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@example.com", password="x-Pass-1")
    client.force_login(root)
    return client


@pytest.mark.parametrize(
    "model", ["food", "recipe", "mealplantemplate", "mealplan", "mealplanauditevent"]
)
def test_the_admin_lists_open(admin_client, model):
    make_foods()
    recipe_library_load(recipes=RECIPES)

    response = admin_client.get(f"/admin/nutrition/{model}/")

    assert response.status_code == 200


def test_a_recipe_page_shows_its_derived_values_read_only(admin_client):
    make_foods()
    recipe_library_load(recipes=RECIPES)
    from nutrition.models import Recipe

    recipe = Recipe.objects.get(slug="salmon-broccoli")

    response = admin_client.get(f"/admin/nutrition/recipe/{recipe.pk}/change/")

    assert response.status_code == 200
    assert b"451.4" in response.content
