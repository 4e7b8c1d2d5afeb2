import uuid

import pytest

from adminapi.models import AdminAuditEvent
from workouts.models import WorkoutVideo
from workouts.tests.factories import WorkoutFactory, WorkoutVideoFactory

pytestmark = pytest.mark.django_db

URL = "/api/admin/videos"


def body(**overrides):
    data = {
        "title": "Warm-up",
        "order_index": 1,
        "duration_seconds": 300,
        "access": "free",
        "is_preview": True,
    }
    data.update(overrides)
    return data


def positions(workout):
    return list(
        WorkoutVideo.objects.filter(workout=workout)
        .order_by("order_index")
        .values_list("title", "order_index")
    )


def test_a_content_manager_adds_a_video_to_a_draft(cm_client, content_manager):
    workout = WorkoutFactory(status="draft", publish_at=None)

    response = cm_client.post(URL, body(workout=str(workout.pk)), format="json")

    assert response.status_code == 201, response.content
    video = WorkoutVideo.objects.get()
    assert response.json() == {
        "id": str(video.pk),
        "workout": str(workout.pk),
        "order_index": 1,
        "title": "Warm-up",
        "duration_seconds": 300,
        "thumbnail": "",
        "access": "free",
        "is_preview": True,
        "media": None,
    }
    assert list(AdminAuditEvent.objects.values_list("actor", "action", "object_type")) == [
        (content_manager.pk, "create", "video")
    ]


def test_moving_a_video_to_a_taken_position_swaps_the_two(cm_client):
    workout = WorkoutFactory()
    first = WorkoutVideoFactory(workout=workout, title="First", order_index=1)
    WorkoutVideoFactory(workout=workout, title="Second", order_index=2)
    third = WorkoutVideoFactory(workout=workout, title="Third", order_index=3)

    response = cm_client.put(
        f"{URL}/{third.pk}",
        body(
            title="Third", order_index=1, duration_seconds=420, access="premium", is_preview=False
        ),
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["order_index"] == 1
    assert response.json()["duration_seconds"] == 420
    assert positions(workout) == [("Third", 1), ("Second", 2), ("First", 3)]
    first.refresh_from_db()
    assert first.order_index == 3


def test_moving_a_video_to_a_free_position_moves_only_it(cm_client):
    workout = WorkoutFactory()
    video = WorkoutVideoFactory(workout=workout, title="Only", order_index=1)

    response = cm_client.put(f"{URL}/{video.pk}", body(title="Only", order_index=5), format="json")

    assert response.status_code == 200
    assert positions(workout) == [("Only", 5)]


def test_deleting_a_video_keeps_the_others_in_place(cm_client):
    workout = WorkoutFactory()
    WorkoutVideoFactory(workout=workout, title="A", order_index=1)
    b = WorkoutVideoFactory(workout=workout, title="B", order_index=2)
    WorkoutVideoFactory(workout=workout, title="C", order_index=3)

    response = cm_client.delete(f"{URL}/{b.pk}")

    assert response.status_code == 204
    assert positions(workout) == [("A", 1), ("C", 3)]
    assert list(AdminAuditEvent.objects.values_list("action", "object_id")) == [("delete", b.pk)]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"order_index": 1}, "order_index", "order_index_taken"),
        ({"duration_seconds": -1}, "duration_seconds", "min_value"),
        ({"duration_seconds": 0}, "duration_seconds", "min_value"),
        ({"order_index": -1}, "order_index", "min_value"),
        ({"access": "vip"}, "access", "invalid_choice"),
        ({"is_preview": "no"}, "is_preview", "invalid"),
        ({"workout": str(uuid.uuid4())}, "workout", "unknown_workout"),
        ({"workout": "12"}, "workout", "invalid"),
        ({"media": "x.mp4"}, "non_field_errors", "unknown_field"),
    ],
)
def test_bad_videos_answer_400_naming_the_field_and_write_nothing(
    cm_client, overrides, field, code
):
    workout = WorkoutFactory()
    WorkoutVideoFactory(workout=workout, title="Existing", order_index=1)

    response = cm_client.post(
        URL, body(**{"workout": str(workout.pk), "order_index": 2, **overrides}), format="json"
    )

    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == (field, code)
    assert positions(workout) == [("Existing", 1)]
    assert not AdminAuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"duration_seconds": -3}, "duration_seconds"),
        ({"workout": "6f1c2b8e-3d1a-4a4e-9a57-2f3c1d0e9b11"}, "non_field_errors"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_replacement_changes_nothing(cm_client, overrides, field):
    workout = WorkoutFactory()
    video = WorkoutVideoFactory(workout=workout, title="Kept", order_index=1)
    WorkoutVideoFactory(workout=workout, title="Other", order_index=2)

    response = cm_client.put(
        f"{URL}/{video.pk}", body(**{"order_index": 2, **overrides}), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
    assert positions(workout) == [("Kept", 1), ("Other", 2)]


def test_unknown_and_malformed_video_ids_answer_404(cm_client):
    video = WorkoutVideoFactory()
    missing = uuid.uuid4()

    assert cm_client.put(f"{URL}/{missing}", body(), format="json").status_code == 404
    assert cm_client.delete(f"{URL}/{missing}").status_code == 404
    assert cm_client.delete(f"{URL}/not-a-uuid").status_code == 404
    assert WorkoutVideo.objects.filter(pk=video.pk).exists()


def test_a_swap_is_undone_when_the_replacement_is_refused_later():
    from rest_framework.exceptions import ValidationError

    from workouts.services import workout_video_update

    workout = WorkoutFactory()
    first = WorkoutVideoFactory(workout=workout, title="First", order_index=1)
    WorkoutVideoFactory(workout=workout, title="Second", order_index=2)

    with pytest.raises(ValidationError) as exc:
        workout_video_update(
            video=first,
            title="First",
            order_index=2,
            duration_seconds=0,  # refused by the model, after the other video moved
            access="free",
            is_preview=False,
        )

    assert "duration_seconds" in exc.value.detail
    assert positions(workout) == [("First", 1), ("Second", 2)]
