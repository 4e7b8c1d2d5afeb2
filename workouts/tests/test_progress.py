import pytest

from workouts.models import UserWorkoutProgress, Workout, WorkoutSession
from workouts.tests.factories import WorkoutFactory, WorkoutVideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workout():
    workout = WorkoutFactory()
    WorkoutVideoFactory(workout=workout, order_index=1, duration_seconds=100)
    WorkoutVideoFactory(workout=workout, order_index=2, duration_seconds=300)
    return workout


def videos(workout):
    return list(workout.videos.order_by("order_index"))


def post(client, workout, video, position, completed=False):
    return client.post(
        f"/api/workouts/{workout.pk}/progress",
        {"video_id": str(video.pk), "position_seconds": position, "completed": completed},
        format="json",
    )


def test_progress_is_the_watched_share_of_the_workout(alice_client, workout):
    first, second = videos(workout)

    response = post(alice_client, workout, first, 100, completed=True)
    assert response.status_code == 200, response.json()
    assert response.json()["progress_percent"] == 25
    response = post(alice_client, workout, second, 150)
    assert response.json()["progress_percent"] == 62
    assert response.json()["completed_at"] is None
    assert {v["video_id"]: v["position_seconds"] for v in response.json()["videos"]} == {
        str(first.pk): 100,
        str(second.pk): 150,
    }


def test_completing_every_video_completes_the_workout_and_records_one_session(
    alice, alice_client, workout
):
    first, second = videos(workout)
    post(alice_client, workout, first, 100, completed=True)

    done = post(alice_client, workout, second, 300, completed=True)
    retried = post(alice_client, workout, second, 300, completed=True)

    assert done.status_code == retried.status_code == 200
    assert done.json()["progress_percent"] == 100
    assert done.json()["completed_at"] is not None
    assert retried.json() == done.json()
    session = WorkoutSession.objects.get()
    assert (session.user, session.workout, session.duration_seconds) == (alice, workout, 400)
    assert Workout.objects.get(pk=workout.pk).completions_count == 1


def test_a_retry_changes_nothing(alice_client, workout):
    first, _ = videos(workout)
    post(alice_client, workout, first, 40)
    before = UserWorkoutProgress.objects.get()

    response = post(alice_client, workout, first, 40)

    assert response.status_code == 200
    after = UserWorkoutProgress.objects.get()
    assert (after.videos, after.progress_percent, after.updated_at) == (
        before.videos,
        before.progress_percent,
        before.updated_at,
    )


@pytest.mark.parametrize(
    ("position", "completed", "attr", "code"),
    [
        (30, False, "position_seconds", "progress_backwards"),
        (101, False, "position_seconds", "position_beyond_end"),
        (-1, False, "position_seconds", "min_value"),
    ],
)
def test_progress_never_goes_backwards_or_past_the_end(
    alice_client, workout, position, completed, attr, code
):
    first, _ = videos(workout)
    post(alice_client, workout, first, 40)

    response = post(alice_client, workout, first, position, completed)

    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [(attr, code)]
    assert UserWorkoutProgress.objects.get().videos[str(first.pk)]["position_seconds"] == 40


def test_a_completed_video_stays_completed(alice_client, workout):
    first, _ = videos(workout)
    post(alice_client, workout, first, 100, completed=True)

    response = post(alice_client, workout, first, 100, completed=False)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "progress_backwards"


def test_a_video_of_another_workout_is_refused_and_nothing_is_written(alice_client, workout):
    stranger_video = WorkoutVideoFactory(workout=WorkoutFactory())

    response = post(alice_client, workout, stranger_video, 10)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "video_not_in_workout"
    assert not UserWorkoutProgress.objects.exists()


def test_a_locked_video_cannot_record_progress(alice_client):
    premium = WorkoutFactory(is_premium=True)
    preview = WorkoutVideoFactory(workout=premium, order_index=1, is_preview=True)
    locked = WorkoutVideoFactory(workout=premium, order_index=2)

    assert post(alice_client, premium, preview, 10).status_code == 200
    response = post(alice_client, premium, locked, 10)

    assert response.status_code == 403
    assert response.json()["code"] == "video_locked"


def test_unknown_fields_are_refused(alice_client, workout):
    first, _ = videos(workout)
    response = alice_client.post(
        f"/api/workouts/{workout.pk}/progress",
        {"video_id": str(first.pk), "position_seconds": 1, "percent": 100},
        format="json",
    )

    assert response.status_code == 400
    assert not UserWorkoutProgress.objects.exists()


def test_progress_is_the_callers_own(alice_client, bob, workout):
    from core.testing import SchemaValidatingClient

    first, _ = videos(workout)
    post(alice_client, workout, first, 50)

    bob_view = SchemaValidatingClient().as_user(bob).get(f"/api/workouts/{workout.pk}")
    alice_view = alice_client.get(f"/api/workouts/{workout.pk}")

    assert bob_view.json()["progress"] is None
    assert alice_view.json()["progress"]["progress_percent"] == 12
