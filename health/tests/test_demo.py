import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from health.models import Sample

pytestmark = pytest.mark.django_db


def test_demo_seed_gives_the_demo_user_two_weeks_once(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("seed_demo", "--only", "accounts", "health", stdout=out)
    first = Sample.objects.count()
    call_command("seed_demo", "--only", "accounts", "health", stdout=io.StringIO())

    assert first > 3000
    assert Sample.objects.count() == first
    assert "demo health data" in out.getvalue()


def test_demo_metrics_do_not_double_count_the_phone(settings, tmp_path, api_client):
    from accounts.models import User
    from core.testing import SchemaValidatingClient

    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--only", "accounts", "health", stdout=io.StringIO())
    client = SchemaValidatingClient().as_user(User.objects.get(email="user@fitcore.local"))
    yesterday = datetime.now(tz=UTC).date() - timedelta(days=1)

    steps = client.get(
        "/api/health/metrics", {"metrics": "steps", "start": yesterday, "end": yesterday}
    ).json()["metrics"][0]["value"]
    watch_only = sum(
        s.value
        for s in Sample.objects.filter(
            stream__metric=1, stream__source__device_model="Watch"
        ).select_related("stream")
        if s.start.date() == yesterday
    )

    assert steps == pytest.approx(watch_only, abs=1)
