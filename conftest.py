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


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: nothing may be skipped for want of a service."""
    if os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"CI: {skipped} test(s) were skipped; skips are failures in CI.")
        session.exitstatus = 1
