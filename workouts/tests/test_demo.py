import io

import pytest

from media.models import MediaAsset
from workouts import demo
from workouts.models import Category, Workout, WorkoutVideo

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_catalogue_plays_and_seeding_again_adds_nothing(monkeypatch):
    monkeypatch.setattr(demo, "WORKOUTS", demo.WORKOUTS[:2])
    monkeypatch.setattr(demo, "VIDEOS", [("Warm-up", 1), ("Main set", 1)])

    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())

    assert Workout.objects.count() == 2
    assert Category.objects.filter(parent__isnull=False).exists()  # nested categories
    videos = WorkoutVideo.objects.select_related("asset", "workout").order_by(
        "workout__title", "order_index"
    )
    assert [(v.workout.title, v.order_index, v.access, v.is_preview) for v in videos] == [
        ("Morning Yoga Flow", 1, "free", False),
        ("Morning Yoga Flow", 2, "free", False),
        ("Power Yoga Builder", 1, "free", True),
        ("Power Yoga Builder", 2, "premium", False),
    ]
    assert set(MediaAsset.objects.values_list("status", flat=True)) == {"ready"}
    assert all(len(v.asset.renditions) >= 2 for v in videos)
