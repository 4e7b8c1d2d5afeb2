import pytest

from billing.models import Entitlement
from workouts.tests.factories import WorkoutFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@example.com", password="x-Pass-1")
    client.force_login(root)
    return client


def test_an_admin_grants_one_workout(admin_client, alice):
    workout = WorkoutFactory(is_premium=True)

    response = admin_client.post(
        "/admin/billing/entitlement/add/",
        {"user": alice.pk, "kind": "workout", "workout": workout.pk, "note": "support"},
    )

    assert response.status_code == 302, response.content[:2000]
    grant = Entitlement.objects.get()
    assert (grant.user, grant.kind, grant.workout, grant.source) == (
        alice,
        "workout",
        workout,
        "admin_grant",
    )


def test_a_premium_grant_naming_a_workout_is_refused(admin_client, alice):
    workout = WorkoutFactory()

    response = admin_client.post(
        "/admin/billing/entitlement/add/",
        {"user": alice.pk, "kind": "premium", "workout": workout.pk},
    )

    assert response.status_code == 200
    assert not Entitlement.objects.exists()
    assert admin_client.get("/admin/billing/entitlement/").status_code == 200
