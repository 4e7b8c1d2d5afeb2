import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import QueryCounter, assert_owner_only
from profiles.models import Favorite
from workouts.tests.factories import WorkoutFactory

pytestmark = pytest.mark.django_db
FAVORITES = "/api/users/favorites"


def add(client, workout_id):
    return client.post(FAVORITES, {"kind": "workout", "id": str(workout_id)}, format="json")


def test_adding_a_favourite_twice_keeps_one(alice, alice_client):
    workout = WorkoutFactory(title="Flow")

    first = add(alice_client, workout.pk)
    again = add(alice_client, workout.pk)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["kind"] == "workout"
    assert first.json()["object_id"] == str(workout.pk)
    assert first.json()["workout"]["title"] == "Flow"
    assert Favorite.objects.filter(user=alice).count() == 1


def test_favourites_are_listed_newest_first_and_paginated(alice, alice_client):
    now = timezone.now()
    for i, title in enumerate(["Old", "Middle", "New"]):
        workout = WorkoutFactory(title=title)
        Favorite.objects.create(
            user=alice, kind="workout", object_id=workout.pk, created_at=now + timedelta(minutes=i)
        )

    response = alice_client.get(FAVORITES, {"limit": 2})

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert [f["workout"]["title"] for f in response.json()["results"]] == ["New", "Middle"]


def test_an_unpublished_workout_reads_as_null(alice, alice_client):
    workout = WorkoutFactory()
    Favorite.objects.create(user=alice, kind="workout", object_id=workout.pk)
    workout.status = "draft"
    workout.save()

    [item] = alice_client.get(FAVORITES).json()["results"]

    assert item["workout"] is None


def test_listing_costs_the_same_queries_whatever_the_page(alice, alice_client):
    for _ in range(12):
        Favorite.objects.create(user=alice, kind="workout", object_id=WorkoutFactory().pk)

    with QueryCounter() as queries:
        alice_client.get(FAVORITES)

    assert queries.count == 4  # user, count, page, workouts


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"kind": "article", "id": str(uuid.uuid4())}, "kind"),
        ({"kind": "workout", "id": "nope"}, "id"),
        ({"kind": "workout", "id": str(uuid.uuid4())}, "id"),
        ({"kind": "workout"}, "id"),
        ({"kind": "workout", "id": str(uuid.uuid4()), "x": 1}, "non_field_errors"),
    ],
)
def test_bad_favourites_are_refused(alice_client, body, attr):
    response = alice_client.post(FAVORITES, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
    assert not Favorite.objects.exists()


def test_a_draft_cannot_be_favourited(alice_client):
    draft = WorkoutFactory(status="draft", publish_at=None)

    response = add(alice_client, draft.pk)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "favorite_target_not_found"


def test_removing_a_favourite(alice, alice_client):
    favorite = Favorite.objects.create(user=alice, kind="workout", object_id=WorkoutFactory().pk)

    response = alice_client.delete(f"{FAVORITES}/{favorite.pk}")

    assert response.status_code == 204
    assert not Favorite.objects.exists()
    assert alice_client.delete(f"{FAVORITES}/{favorite.pk}").status_code == 404


def test_another_users_favourite_is_not_found(alice, bob):
    assert_owner_only(
        method="delete",
        url_for=lambda favorite: f"{FAVORITES}/{favorite.pk}",
        owner=alice,
        stranger=bob,
        make_object=lambda user: Favorite.objects.create(
            user=user, kind="workout", object_id=WorkoutFactory().pk
        ),
        snapshot=lambda: list(Favorite.objects.values_list("pk", flat=True)),
    )


def test_anonymous_callers_get_401(api_client):
    assert api_client.get(FAVORITES).status_code == 401
    assert add(api_client, uuid.uuid4()).status_code == 401
    assert api_client.get("/api/users/progress").status_code == 401
