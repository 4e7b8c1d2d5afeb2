"""Fixtures for every app's tests: personas (alice owns, bob is a stranger, staff), clients."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ENV", "test")


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    from core.testing import SchemaValidatingClient

    return SchemaValidatingClient()


@pytest.fixture
def alice(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(email="alice@example.com", name="Alice")


@pytest.fixture
def bob(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(email="bob@example.com", name="Bob")


@pytest.fixture
def staff(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(email="staff@example.com", name="Staff", is_staff=True)


@pytest.fixture
def alice_client(alice):
    from core.testing import SchemaValidatingClient

    return SchemaValidatingClient().as_user(alice)


@pytest.fixture
def fuzzing(monkeypatch, settings):
    """For schemathesis tests (core.testing.fuzz_schema): requests go through the WSGI handler,
    which closes "old" DB connections around each request (Django's test client switches that
    off; so must we, the test runs in a transaction), and throttles would answer 429 to most
    generated requests and hide the interesting paths."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", dict.fromkeys(settings.THROTTLE_RATES, "100000/min")
    )
    settings.LOGIN_FAILURES_PER_ACCOUNT = settings.LOGIN_FAILURES_PER_IP = 100000
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: nothing may be skipped for want of a service."""
    if os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"CI: {skipped} test(s) were skipped; skips are failures in CI.")
        session.exitstatus = 1
