"""Liveness (/healthz), readiness (/readyz) and the X-Request-ID header."""

import signal
import socket
import time
import uuid
from contextlib import contextmanager

import pytest
from django.test import override_settings

from config.celery import app as celery_app
from core.selectors import BROKER_CHECK_TIMEOUT_SECONDS

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens, connections are refused


def dependencies(response):
    return {d["name"]: (d["ok"], d["error"]) for d in response.json()["dependencies"]}


@pytest.fixture
def broker_at(monkeypatch):
    """Point Celery at another broker for one test. ``app.conf.changes`` take precedence over
    Django settings; monkeypatch removes the key afterwards, which restores the configured URL."""

    def point_to(url):
        monkeypatch.setitem(celery_app.conf.changes, "broker_url", url)

    return point_to


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections (the kernel completes the handshake from the
    backlog) and never answers: what a hung broker looks like to a client."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


class StillWaiting(BaseException):
    """Not an Exception: the readiness checks catch those and would report it as a result."""


@contextmanager
def fails_after(seconds):
    """Turn a hang into a failure: SIGALRM interrupts a blocking socket call in this thread."""

    def interrupt(signum, frame):
        raise StillWaiting(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_healthz_answers_without_auth_or_database(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_ignores_a_bad_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_ready_when_every_dependency_answers(api_client):
    response = api_client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "dependencies": [
            {"name": "database", "ok": True, "error": None},
            {"name": "cache", "ok": True, "error": None},
            {"name": "broker", "ok": True, "error": None},
        ],
    }


def test_readyz_names_an_unreachable_broker(api_client, broker_at, caplog):
    broker_at(UNREACHABLE_REDIS)

    started = time.monotonic()
    response = api_client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert dependencies(response) == {
        "database": (True, None),
        "cache": (True, None),
        "broker": (False, "OperationalError"),
    }
    # A refused connection fails at once: no retry, no back-off sleep.
    assert elapsed < 1.5
    failures = [r for r in caplog.records if r.getMessage() == "readiness check failed"]
    assert [r.dependency for r in failures] == ["broker"]


def test_readyz_gives_up_on_a_broker_that_never_answers(api_client, broker_at, silent_server):
    broker_at(silent_server)

    started = time.monotonic()
    with fails_after(10):
        response = api_client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert dependencies(response)["broker"] == (False, "OperationalError")
    assert BROKER_CHECK_TIMEOUT_SECONDS <= elapsed < BROKER_CHECK_TIMEOUT_SECONDS + 1.5


def test_readyz_recovers_once_the_broker_is_back(api_client):
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(celery_app.conf.changes, "broker_url", UNREACHABLE_REDIS)
        assert api_client.get("/readyz").status_code == 503

    assert api_client.get("/readyz").status_code == 200


def broken_cache(location=UNREACHABLE_REDIS):
    # override_settings rather than the settings fixture: the conftest's autouse fixture
    # clears the cache in its teardown, which runs before the settings fixture restores
    # CACHES and would hit this broken cache. Changing CACHES rebuilds django.core.cache.caches
    # (Django's setting_changed receiver), on entry and on exit.
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": location,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
    )


def test_readyz_names_a_broken_cache(api_client):
    with broken_cache():
        response = api_client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert dependencies(response) == {
        "database": (True, None),
        "cache": (False, "ConnectionError"),
        "broker": (True, None),
    }


def test_readyz_names_a_cache_that_never_answers(api_client, silent_server):
    with broken_cache(silent_server), fails_after(10):
        response = api_client.get("/readyz")

    assert response.status_code == 503
    assert dependencies(response)["cache"] == (False, "TimeoutError")


@pytest.mark.parametrize(
    ("path", "status"),
    [("/healthz", 200), ("/readyz", 200), ("/api/bench/baseline", 401), ("/nowhere", 404)],
)
def test_every_response_carries_a_request_id(api_client, path, status):
    response = api_client.get(path)

    assert response.status_code == status
    request_id = response.headers["X-Request-ID"]
    assert uuid.UUID(request_id).hex == request_id
    assert response.headers["Access-Control-Expose-Headers"] == "X-Request-ID"


def test_an_error_envelope_carries_the_same_request_id(api_client):
    response = api_client.get("/api/bench/baseline")

    assert response.status_code == 401
    assert response.json()["request_id"] == response.headers["X-Request-ID"]


def test_each_request_gets_its_own_id(api_client):
    first = api_client.get("/healthz").headers["X-Request-ID"]
    second = api_client.get("/healthz").headers["X-Request-ID"]

    assert first != second


@pytest.mark.parametrize(
    "supplied",
    ["6f1c2a47-3a0e-4a8e-9d5b-1c2e3f4a5b6c", "6f1c2a473a0e4a8e9d5b1c2e3f4a5b6c"],
)
def test_a_client_supplied_request_id_is_echoed_unchanged(api_client, supplied):
    response = api_client.get("/api/bench/baseline", HTTP_X_REQUEST_ID=supplied)

    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == supplied
    assert response.json()["request_id"] == supplied


@pytest.mark.parametrize("supplied", ["not-a-uuid", "x" * 200, "<script>"])
def test_a_request_id_that_is_not_a_uuid_is_replaced(api_client, supplied):
    response = api_client.get("/healthz", HTTP_X_REQUEST_ID=supplied)

    request_id = response.headers["X-Request-ID"]
    assert request_id != supplied
    assert uuid.UUID(request_id).hex == request_id
