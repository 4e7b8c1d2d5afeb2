import pytest
from django.core.exceptions import ValidationError

from workouts import services
from workouts.models import Workout
from workouts.selectors import workout_search_rows
from workouts.tests.factories import CategoryFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def test_saving_a_workout_builds_its_search_vector_with_categories_and_trainer():
    category = CategoryFactory(name="Pilates", slug="pilates")
    workout = Workout(
        title="Reformer at home",
        slug="reformer-at-home",
        description="Controlled core work.",
        estimated_duration_seconds=900,
        status="published",
        publish_at="2026-01-01T00:00:00Z",
        trainer=TrainerFactory(name="Lena Vogt"),
    )

    services.workout_save(workout=workout, category_ids=[category.pk])

    assert [r["title"] for r in workout_search_rows(q="pilates vogt")] == ["Reformer at home"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"status": "scheduled", "publish_at": None}, "publish_at"),
        ({"is_purchasable": True}, "is_purchasable"),
        ({"equipment": ["sofa"]}, "equipment"),
    ],
)
def test_saving_refuses_inconsistent_workouts(fields, error):
    workout = Workout(title="X", slug="x", estimated_duration_seconds=60, **fields)

    with pytest.raises(ValidationError) as exc:
        services.workout_save(workout=workout)

    assert error in exc.value.message_dict
    assert not Workout.objects.exists()
