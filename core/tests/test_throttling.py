"""Throttle scopes count on the shared cache, per fixed window, and answer 429 in the envelope."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(monkeypatch, settings):
    """DRF reads the rates once into SimpleRateThrottle.THROTTLE_RATES; tests set them there."""
    table = dict(settings.THROTTLE_RATES)
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", table)
    return table


def test_user_scope_allows_the_rate_then_answers_429_with_retry_after(alice_client, rates):
    rates["user"] = "3/min"

    statuses = [alice_client.get("/api/bench/baseline").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = alice_client.get("/api/bench/baseline")
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_users_are_counted_separately(alice_client, bob, rates):
    from core.testing import SchemaValidatingClient

    rates["user"] = "1/min"
    bob_client = SchemaValidatingClient().as_user(bob)

    assert alice_client.get("/api/bench/baseline").status_code == 200
    assert bob_client.get("/api/bench/baseline").status_code == 200
    assert alice_client.get("/api/bench/baseline").status_code == 429


def test_register_scope_is_per_client_ip(api_client, rates):
    rates["register"] = "2/hour"
    body = {"email": "x@example.com", "password": "weak"}

    statuses = [api_client.post("/api/auth/register", body).status_code for _ in range(3)]
    other_ip = api_client.post("/api/auth/register", body, REMOTE_ADDR="10.9.9.9")

    assert statuses == [400, 400, 429]
    assert other_ip.status_code == 400


def test_login_scope_counts_every_attempt(api_client, rates):
    rates["login"] = "1/min"
    body = {"email": "x@example.com", "password": "whatever-1"}

    assert api_client.post("/api/auth/login", body).status_code == 401
    throttled = api_client.post("/api/auth/login", body)

    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"


def test_the_window_resets(alice_client, rates, monkeypatch):
    rates["user"] = "1/min"
    now = [1_000_020.0]
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: now[0]))

    assert alice_client.get("/api/bench/baseline").status_code == 200
    assert alice_client.get("/api/bench/baseline").status_code == 429
    now[0] += 60
    assert alice_client.get("/api/bench/baseline").status_code == 200
