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
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        },
    }
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


@pytest.fixture(scope="session")
def sample_videos(tmp_path_factory):
    """Real video files made with ffmpeg once per run: a 2 s 320x240 MP4 with sound, a
    silent portrait one, the first one cut short (headers intact, packets missing), and a text
    file named like a video."""
    from types import SimpleNamespace

    from media.ffmpeg import sample_video_make

    root = tmp_path_factory.mktemp("videos")
    good, portrait = root / "good.mp4", root / "portrait.mp4"
    sample_video_make(target=good, seconds=2, width=320, height=240)
    sample_video_make(target=portrait, seconds=1, width=240, height=320, audio=False)
    truncated = root / "truncated.mp4"
    data = good.read_bytes()
    truncated.write_bytes(data[: len(data) * 6 // 10])
    fake = root / "fake.mp4"
    fake.write_bytes(b"This is a text file with a video's name.\n" * 50)
    return SimpleNamespace(good=good, portrait=portrait, truncated=truncated, fake=fake)
