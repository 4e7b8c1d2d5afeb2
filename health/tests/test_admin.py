import pytest

from health.models import Stream
from health.tests.payloads import batch, heart_rates

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser(
        email="root@example.com", password="x-Pass-123"
    )
    client.force_login(root)
    return client


def test_samples_are_browsable_per_stream_and_read_only(admin_client, alice_client):
    alice_client.post(
        "/api/health/sync/apple-health", batch(quantity_samples=heart_rates(3)), format="json"
    )
    stream = Stream.objects.get()

    listing = admin_client.get("/admin/health/stream/?metric=2&q=alice")
    page = admin_client.get(f"/admin/health/stream/{stream.pk}/change/")

    assert listing.status_code == 200
    assert b"alice@example.com" in listing.content
    assert page.status_code == 200
    assert page.content.count(b"<tr><td>2026-11-20T08:0") == 3
    assert b'name="_save"' not in page.content  # read-only


def test_sources_goals_and_imports_pages_render(admin_client):
    for url in ("/admin/health/source/", "/admin/health/goals/", "/admin/health/healthimport/"):
        assert admin_client.get(url).status_code == 200, url
