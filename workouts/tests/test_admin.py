import pytest
from django.core.exceptions import ValidationError

from workouts.models import Category, Workout, WorkoutRating
from workouts.selectors import workout_search_rows
from workouts.tests.factories import CategoryFactory, TrainerFactory, WorkoutFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@example.com", password="x-Pass-1")
    client.force_login(root)
    return client


def workout_form(**overrides):
    data = {
        "title": "Tempo run drills",
        "slug": "tempo-run-drills",
        "description": "Strides and drills.",
        "thumbnail": "",
        "goal": "endurance",
        "difficulty": "intermediate",
        "estimated_duration_seconds": 1500,
        "status": "scheduled",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "06:00:00",
        "videos-TOTAL_FORMS": "2",
        "videos-INITIAL_FORMS": "0",
        "videos-MIN_NUM_FORMS": "0",
        "videos-MAX_NUM_FORMS": "1000",
        "videos-0-order_index": "1",
        "videos-0-title": "Warm-up",
        "videos-0-duration_seconds": "300",
        "videos-0-access": "free",
        "videos-0-is_preview": "on",
        "videos-1-order_index": "2",
        "videos-1-title": "Drills",
        "videos-1-duration_seconds": "900",
        "videos-1-access": "premium",
    }
    data.update(overrides)
    return data


def test_a_content_manager_creates_a_workout_with_ordered_videos(admin_client):
    category = CategoryFactory(name="Running", slug="running")
    trainer = TrainerFactory(name="Ana Ruiz")

    response = admin_client.post(
        "/admin/workouts/workout/add/",
        workout_form(categories=[category.pk], trainer=trainer.pk, equipment=["none"]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    workout = Workout.objects.get()
    assert [v.title for v in workout.videos.order_by("order_index")] == ["Warm-up", "Drills"]
    assert workout.equipment == ["none"]
    # The search vector was built after the categories were saved.
    assert [r["title"] for r in workout_search_rows(q="running")] == ["Tempo run drills"]
    assert [r["title"] for r in workout_search_rows(q="ruiz")] == ["Tempo run drills"]


def test_publishing_needs_a_publish_time(admin_client):
    response = admin_client.post(
        "/admin/workouts/workout/add/", workout_form(publish_at_0="", publish_at_1="")
    )

    assert response.status_code == 200
    assert not Workout.objects.exists()


def test_renaming_a_category_refreshes_search(admin_client):
    category = CategoryFactory(name="Cardio", slug="cardio")
    WorkoutFactory(title="Intervals", categories=[category])

    response = admin_client.post(
        f"/admin/workouts/category/{category.pk}/change/",
        {"name": "Conditioning", "slug": "cardio", "order": 0},
    )

    assert response.status_code == 302
    assert [r["title"] for r in workout_search_rows(q="conditioning")] == ["Intervals"]


def test_lists_filters_and_search_render(admin_client, alice):
    workout = WorkoutFactory(title="Findable")
    WorkoutRating.objects.create(user=alice, workout=workout, stars=4)

    for url in (
        "/admin/workouts/workout/?q=Findable",
        "/admin/workouts/workout/?status__exact=published&is_premium__exact=0",
        "/admin/workouts/category/",
        "/admin/workouts/trainer/",
        "/admin/workouts/workoutrating/",
        f"/admin/workouts/workout/{workout.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/workouts/workoutrating/add/").status_code == 403


def test_categories_nest_one_level_only():
    strength = CategoryFactory(slug="strength")
    upper = CategoryFactory(slug="upper", parent=strength)
    deeper = Category(name="Arms", slug="arms", parent=upper)

    with pytest.raises(ValidationError) as exc:
        deeper.full_clean()
    assert "parent" in exc.value.message_dict
    strength.parent = CategoryFactory(slug="other")
    with pytest.raises(ValidationError):
        strength.full_clean()


def test_the_database_refuses_a_second_level_of_nesting():
    from django.db import IntegrityError, transaction

    strength = CategoryFactory(slug="strength")
    upper = CategoryFactory(slug="upper", parent=strength)

    with transaction.atomic(), pytest.raises(IntegrityError):
        Category.objects.create(name="Arms", slug="arms", parent=upper)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Category.objects.filter(pk=strength.pk).update(parent=CategoryFactory(slug="other"))


def test_deleting_a_sub_category_takes_its_workouts_out_of_the_parent(admin_client):
    from workouts.selectors import WorkoutFilters, workout_list_rows

    strength = CategoryFactory(slug="strength")
    upper = CategoryFactory(slug="upper", parent=strength)
    WorkoutFactory(title="Press", categories=[upper])

    def in_strength():
        return [r["title"] for r in workout_list_rows(filters=WorkoutFilters(category="strength"))]

    assert in_strength() == ["Press"]
    response = admin_client.post(f"/admin/workouts/category/{upper.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert in_strength() == []


def test_deleting_a_trainer_takes_their_name_out_of_search(admin_client):
    trainer = TrainerFactory(name="Zoltan Kovacs")
    workout = WorkoutFactory(title="Rings", trainer=trainer)
    assert [r["title"] for r in workout_search_rows(q="zoltan")] == ["Rings"]

    response = admin_client.post(f"/admin/workouts/trainer/{trainer.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert workout_search_rows(q="zoltan").count() == 0
    assert Workout.objects.get(pk=workout.pk).trainer is None


def test_a_content_manager_uploads_a_video_file_in_the_admin(
    admin_client, sample_videos, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workouts.models import WorkoutVideo

    workout = WorkoutFactory(title="Tempo")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/workouts/workoutvideo/add/",
            {
                "workout": workout.pk,
                "order_index": 1,
                "title": "Warm-up",
                "access": "free",
                "upload": SimpleUploadedFile("warm-up.mp4", sample_videos.good.read_bytes()),
            },
        )

    assert response.status_code == 302, response.content.decode()[:3000]
    video = WorkoutVideo.objects.select_related("asset").get()
    assert (video.duration_seconds, video.asset.status) == (2, "ready")
    page = admin_client.get(f"/admin/workouts/workoutvideo/{video.pk}/change/").content.decode()
    assert "Ready" in page
    assert "/api/media/thumbnails/" in page  # the thumbnail preview
    listing = admin_client.get(f"/admin/workouts/workout/{workout.pk}/change/").content.decode()
    assert "/api/media/thumbnails/" in listing  # and in the workout's inline


def test_the_admin_refuses_a_file_that_is_not_a_video(admin_client, sample_videos):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from media.models import MediaAsset
    from workouts.models import WorkoutVideo

    workout = WorkoutFactory()

    response = admin_client.post(
        "/admin/workouts/workoutvideo/add/",
        {
            "workout": workout.pk,
            "order_index": 1,
            "title": "Warm-up",
            "access": "free",
            "upload": SimpleUploadedFile("warm-up.mp4", sample_videos.fake.read_bytes()),
        },
    )

    assert response.status_code == 200
    assert "The file is not a video" in response.content.decode()
    assert not WorkoutVideo.objects.exists()
    assert not MediaAsset.objects.exists()
