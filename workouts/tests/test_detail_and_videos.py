import uuid

import pytest

from billing.models import Entitlement
from core.testing import SchemaValidatingClient
from profiles.models import Favorite
from workouts.tests.factories import (
    CategoryFactory,
    TrainerFactory,
    WorkoutFactory,
    WorkoutVideoFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def premium():
    workout = WorkoutFactory(
        title="Kettlebell Burn",
        is_premium=True,
        trainer=TrainerFactory(name="Sam Lee", bio="Coach."),
        categories=[CategoryFactory(name="HIIT", slug="hiit")],
        equipment=["kettlebell"],
        estimated_energy_kcal=250,
    )
    WorkoutVideoFactory(workout=workout, order_index=2, title="Main set", duration_seconds=900)
    WorkoutVideoFactory(
        workout=workout, order_index=1, title="Warm-up", duration_seconds=300, is_preview=True
    )
    return workout


def test_detail_shows_ordered_videos_with_lock_state(alice, alice_client, premium):
    Favorite.objects.create(user=alice, kind="workout", object_id=premium.pk)

    response = alice_client.get(f"/api/workouts/{premium.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Kettlebell Burn"
    assert body["trainer"] == {"name": "Sam Lee", "bio": "Coach."}
    assert body["categories"] == [{"slug": "hiit", "name": "HIIT"}]
    assert body["equipment"] == ["kettlebell"]
    assert body["energy_kcal"] == 250
    assert (body["can_play"], body["access_reason"], body["is_favorite"]) == (
        False,
        "needs_premium",
        True,
    )
    assert [(v["title"], v["locked"], v["reason"], v["playback"]) for v in body["videos"]] == [
        ("Warm-up", False, "preview", None),
        ("Main set", True, "needs_premium", None),
    ]
    assert body["progress"] is None
    assert body["my_rating"] is None


def test_videos_unlock_with_a_premium_grant(alice, alice_client, premium):
    Entitlement.objects.create(user=alice, kind="premium")

    response = alice_client.get(f"/api/workouts/{premium.pk}/videos")

    assert response.status_code == 200
    assert [(v["order_index"], v["locked"], v["reason"]) for v in response.json()] == [
        (1, False, "preview"),
        (2, False, "premium"),
    ]


def test_staff_see_every_video_unlocked(staff, premium):
    response = SchemaValidatingClient().as_user(staff).get(f"/api/workouts/{premium.pk}/videos")

    assert {v["reason"] for v in response.json()} == {"staff"}


@pytest.mark.parametrize("suffix", ["", "/videos"])
def test_drafts_scheduled_and_unknown_ids_answer_404(alice_client, suffix):
    draft = WorkoutFactory(status="draft", publish_at=None)

    for workout_id in (draft.pk, uuid.uuid4()):
        response = alice_client.get(f"/api/workouts/{workout_id}{suffix}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("bad", ["123", "-1", "not-a-uuid"])
def test_ids_that_are_not_uuids_answer_404(alice_client, bad):
    response = alice_client.get(f"/api/workouts/{bad}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_videos_cost_the_same_queries_whatever_their_number(alice_client):
    from core.testing import QueryCounter

    workout = WorkoutFactory()
    for i in range(8):
        WorkoutVideoFactory(workout=workout, order_index=i + 1, access=["free", "premium"][i % 2])

    with QueryCounter() as queries:
        response = alice_client.get(f"/api/workouts/{workout.pk}/videos")

    assert [v["locked"] for v in response.json()] == [False, True] * 4
    assert queries.count == 4  # the caller, the workout, its videos, the entitlements
