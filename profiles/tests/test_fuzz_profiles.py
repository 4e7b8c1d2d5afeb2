"""Property-based fuzzing of the profile and settings endpoints from the OpenAPI schema.

Every generated request, valid or not, must get an answer the schema documents (a 400 names
its field with a documented code), and never a 5xx: a value the serializer lets through but the
database would refuse would show here as a 500.
"""

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.services import token_pair_issue
from accounts.tests.factories import UserFactory
from core.testing import fuzz_auth_headers, fuzz_schema

schema = fuzz_schema(r"^/api/users/")
pytestmark = pytest.mark.usefixtures("fuzzing")


@pytest.fixture
def bearer(db):
    return f"Bearer {token_pair_issue(user=UserFactory()).access}"


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_profile_endpoints_never_fail_and_match_the_schema(case, bearer):
    # A schema-valid body can still be refused on meaning (a goal without a pace, a time zone
    # that is a string but no IANA name): those 400s are right.
    response = case.call_and_validate(
        headers=fuzz_auth_headers(case, bearer), excluded_checks=[positive_data_acceptance]
    )

    assert response.status_code < 500
