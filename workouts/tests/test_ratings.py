from decimal import Decimal

import pytest

from core.testing import SchemaValidatingClient
from workouts.models import Workout, WorkoutRating
from workouts.tests.factories import WorkoutFactory

pytestmark = pytest.mark.django_db


def rate(client, workout, stars, text=None):
    body = {"stars": stars} if text is None else {"stars": stars, "text": text}
    return client.post(f"/api/workouts/{workout.pk}/rate", body, format="json")


def test_ratings_keep_the_average_consistent_through_updates(alice, bob, staff):
    workout = WorkoutFactory()
    clients = {u: SchemaValidatingClient().as_user(u) for u in (alice, bob, staff)}

    assert rate(clients[alice], workout, 5, "Great").json() == {
        "stars": 5,
        "text": "Great",
        "rating_average": 5.0,
        "rating_count": 1,
    }
    rate(clients[bob], workout, 2)
    rate(clients[staff], workout, 4)
    response = rate(clients[alice], workout, 1, "Changed my mind")

    assert response.status_code == 200
    assert response.json()["rating_average"] == 2.33
    assert response.json()["rating_count"] == 3
    row = Workout.objects.get(pk=workout.pk)
    assert (row.rating_average, row.rating_count) == (Decimal("2.33"), 3)
    assert WorkoutRating.objects.filter(user=alice).get().text == "Changed my mind"
    detail = clients[alice].get(f"/api/workouts/{workout.pk}").json()
    assert detail["my_rating"]["stars"] == 1
    assert detail["rating_average"] == 2.33


@pytest.mark.parametrize("stars", [0, 6, "five", None])
def test_stars_outside_one_to_five_are_refused(alice_client, stars):
    workout = WorkoutFactory()

    response = rate(alice_client, workout, stars)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "stars"
    assert not WorkoutRating.objects.exists()
    assert Workout.objects.get(pk=workout.pk).rating_count == 0


def test_a_draft_cannot_be_rated(alice_client):
    workout = WorkoutFactory(status="draft", publish_at=None)

    assert rate(alice_client, workout, 5).status_code == 404
    assert not WorkoutRating.objects.exists()


def test_the_database_refuses_out_of_range_stars(alice):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        WorkoutRating.objects.create(user=alice, workout=WorkoutFactory(), stars=6)
