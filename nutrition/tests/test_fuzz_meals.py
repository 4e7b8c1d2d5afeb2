"""Property-based fuzzing of the nutrition endpoints from the OpenAPI schema: every generated
request, valid or not, gets an answer the schema documents, and never a 5xx."""

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.services import token_pair_issue
from accounts.tests.factories import UserFactory
from core.testing import fuzz_schema
from nutrition.services import recipe_library_load
from nutrition.tests.recipe_fixtures import RECIPES, make_foods

schema = fuzz_schema(r"^/api/meals")
pytestmark = pytest.mark.usefixtures("fuzzing")


@pytest.fixture
def bearer(db):
    return f"Bearer {token_pair_issue(user=UserFactory()).access}"


@pytest.fixture
def foods(db):
    make_foods()
    recipe_library_load(recipes=RECIPES)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_meal_endpoints_never_fail_and_match_the_schema(case, bearer, foods):
    # A schema-valid body can still be refused on meaning (random ids, an impossible plan):
    # those 400s, 404s and 422s are right.
    response = case.call_and_validate(
        headers={"Authorization": bearer}, excluded_checks=[positive_data_acceptance]
    )

    assert response.status_code < 500
