"""Property-based fuzzing of the auth endpoints from the OpenAPI schema (schemathesis).

Every generated request, valid or not, must get an answer that the schema documents, in the
envelope, and never a 5xx. Examples are bounded so the suite stays fast.
"""

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.tests.jwks import apple_jwks_body, google_certs_body, signing_key
from core.testing import fuzz_schema

schema = fuzz_schema(r"^/api/auth/")
pytestmark = pytest.mark.usefixtures("fuzzing")


@pytest.fixture(autouse=True)
def _providers_configured(httpserver, settings):
    """Google and Apple sign-in configured against a local key server, so fuzzed tokens are
    checked for real (and refused) instead of the 503 of an unconfigured provider."""
    from accounts.providers import apple, google

    httpserver.expect_request("/google-certs").respond_with_json(
        google_certs_body(signing_key("fuzz-google"))
    )
    httpserver.expect_request("/apple-keys").respond_with_json(
        apple_jwks_body(signing_key("fuzz-apple"))
    )
    settings.GOOGLE_CLIENT_IDS = ["fitcore-web.apps.googleusercontent.com"]
    settings.GOOGLE_CERTS_URL = httpserver.url_for("/google-certs")
    settings.APPLE_CLIENT_IDS = ["com.fitcore.app"]
    settings.APPLE_JWKS_URL = httpserver.url_for("/apple-keys")
    google.certs_cache_clear()
    apple.jwks_cache_clear()
    yield
    google.certs_cache_clear()
    apple.jwks_cache_clear()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_auth_endpoints_never_fail_and_match_the_schema(case):
    # A schema-valid body can still be refused on meaning (a wrong password, an expired reset
    # token, a taken email): those 400s are right, so "positive data acceptance" is not checked.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])

    assert response.status_code < 500
