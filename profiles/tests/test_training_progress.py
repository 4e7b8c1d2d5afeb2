from datetime import UTC, datetime, timedelta

import pytest

from profiles.models import UserSettings
from profiles.progress import training_progress_for_user
from workouts.models import WorkoutSession
from workouts.tests.factories import WorkoutFactory

pytestmark = pytest.mark.django_db


def session(user, workout, at, minutes=30):
    WorkoutSession.objects.create(
        user=user, workout=workout, completed_at=at, duration_seconds=minutes * 60
    )


def test_totals_streaks_and_weeks_in_the_users_days(alice, bob):
    UserSettings.objects.create(user=alice, time_zone="America/New_York", week_start="sunday")
    workout = WorkoutFactory()
    # Thursday 2026-11-26 10:00 UTC is 05:00 in New York.
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    # 02:00 UTC on the 26th is still the 25th in New York: with the 24th and the 25th, a
    # three-day run ending yesterday (local) is the current streak.
    session(alice, workout, datetime(2026, 11, 26, 2, 0, tzinfo=UTC), minutes=20)
    session(alice, workout, datetime(2026, 11, 25, 2, 0, tzinfo=UTC), minutes=30)
    session(alice, workout, datetime(2026, 11, 24, 2, 0, tzinfo=UTC), minutes=40)
    session(alice, workout, datetime(2026, 11, 23, 22, 0, tzinfo=UTC), minutes=10)  # 23rd
    # An older four-day run, more than twelve weeks ago.
    for day in range(4):
        session(alice, workout, datetime(2026, 6, 1 + day, 15, 0, tzinfo=UTC))
    session(bob, workout, now - timedelta(hours=1))

    progress = training_progress_for_user(user=alice, now=now)

    assert progress.workouts_completed == 8
    assert progress.minutes_trained == 20 + 30 + 40 + 10 + 4 * 30
    assert progress.current_streak_days == 3
    assert progress.longest_streak_days == 4
    assert len(progress.weeks) == 12
    this_week = progress.weeks[-1]
    assert this_week.week_start.isoformat() == "2026-11-22"  # a Sunday
    assert (this_week.workouts, this_week.minutes) == (4, 100)
    assert sum(w.workouts for w in progress.weeks) == 4


def test_the_streak_breaks_after_a_missed_day(alice):
    workout = WorkoutFactory()
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    session(alice, workout, now - timedelta(days=2))

    progress = training_progress_for_user(user=alice, now=now)

    assert (progress.current_streak_days, progress.longest_streak_days) == (0, 1)


def test_the_endpoint_answers_the_callers_progress(alice_client):
    response = alice_client.get("/api/users/progress")

    assert response.status_code == 200
    body = response.json()
    assert body["workouts_completed"] == 0
    assert body["current_streak_days"] == 0
    assert body["last_workout_at"] is None
    assert len(body["weeks"]) == 12
    assert {w["workouts"] for w in body["weeks"]} == {0}


def test_completing_a_workout_through_the_api_shows_in_progress(alice_client):
    from workouts.tests.factories import WorkoutVideoFactory

    workout = WorkoutFactory()
    video = WorkoutVideoFactory(workout=workout, duration_seconds=600)
    alice_client.post(
        f"/api/workouts/{workout.pk}/progress",
        {"video_id": str(video.pk), "position_seconds": 600, "completed": True},
        format="json",
    )

    body = alice_client.get("/api/users/progress").json()

    assert (body["workouts_completed"], body["minutes_trained"]) == (1, 10)
    assert body["current_streak_days"] == 1
    assert body["weeks"][-1]["workouts"] == 1
