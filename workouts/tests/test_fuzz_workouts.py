"""Property-based fuzzing of the workout catalogue endpoints from the OpenAPI schema.

Every generated request, valid or not, must get an answer the schema documents (a 400 names
its field with a documented code), and never a 5xx: a value the serializer lets through but the
database would refuse would show here as a 500.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.services import token_pair_issue
from accounts.tests.factories import UserFactory
from core.testing import openapi_schema

schema = schemathesis.openapi.from_dict(openapi_schema()).include(path_regex=r"^/api/workouts")
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As in accounts' fuzz test: requests run inside the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _generous_limits(monkeypatch, settings):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", dict.fromkeys(settings.THROTTLE_RATES, "100000/min")
    )


@pytest.fixture
def bearer(db):
    return f"Bearer {token_pair_issue(user=UserFactory()).access}"


@pytest.fixture
def catalogue(db):
    from workouts.tests.factories import CategoryFactory, WorkoutFactory, WorkoutVideoFactory

    category = CategoryFactory(name="Yoga", slug="yoga")
    free = WorkoutFactory(title="Morning Yoga Flow", categories=[category], is_featured=True)
    premium = WorkoutFactory(title="Power Yoga", is_premium=True)
    WorkoutVideoFactory(workout=free)
    WorkoutVideoFactory(workout=premium, is_preview=True)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_workout_endpoints_never_fail_and_match_the_schema(case, bearer, catalogue):
    # A schema-valid body can still be refused on meaning (a position past the video's end, a
    # random workout id): those 400s and 404s are right.
    response = case.call_and_validate(
        headers={"Authorization": bearer}, excluded_checks=[positive_data_acceptance]
    )

    assert response.status_code < 500
