"""``workout_list_page`` (the list's hand-written SQL) answers what ``workout_list_rows`` (the
ORM) does: the same rows in the same order, and the exact total."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import QueryCounter
from workouts.choices import Ordering
from workouts.selectors import WorkoutFilters, workout_list_page, workout_list_rows
from workouts.tests.factories import CategoryFactory, WorkoutFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    now = timezone.now()
    strength = CategoryFactory(slug="strength")
    upper = CategoryFactory(slug="upper-body", parent=strength)
    yoga = CategoryFactory(slug="yoga")
    for index in range(24):
        WorkoutFactory(
            categories=[(strength, upper, yoga)[index % 3]],
            difficulty=("beginner", "intermediate", "advanced")[index % 3],
            goal=("strength", "mobility")[index % 2],
            equipment=[("dumbbells", "mat", "none", "barbell")[index % 4]],
            estimated_duration_seconds=(10 + index) * 60,
            is_premium=index % 3 == 0,
            is_featured=index % 5 == 0,
            publish_at=now - timedelta(hours=index % 7, minutes=index),
            completions_count=index % 4,
            rating_average=f"{(index % 5) + 0.5:.2f}",
            rating_count=index % 6,
        )
    WorkoutFactory(title="Draft", status="draft", publish_at=None)
    WorkoutFactory(title="Later", status="scheduled", publish_at=now + timedelta(hours=1))


@pytest.mark.parametrize(
    "filters",
    [
        WorkoutFilters(),
        WorkoutFilters(difficulty="intermediate", equipment=("dumbbells",)),
        WorkoutFilters(category="strength", is_premium=False),
        WorkoutFilters(category="upper-body", goal="strength"),
        WorkoutFilters(equipment=("mat", "barbell"), duration_min_seconds=15 * 60),
        WorkoutFilters(duration_max_seconds=20 * 60, is_featured=True),
        WorkoutFilters(category="nothing-here"),
    ],
)
@pytest.mark.parametrize("ordering", list(Ordering.values))
def test_the_sql_page_matches_the_orm_rows(catalogue, filters, ordering):
    expected = list(workout_list_rows(filters=filters, ordering=ordering))

    for offset, limit in [(0, 5), (5, 5), (0, 100), (len(expected), 5), (1000, 5)]:
        with QueryCounter() as queries:
            page, total = workout_list_page(
                filters=filters, ordering=ordering, offset=offset, limit=limit
            )

        assert page == expected[offset : offset + limit]
        assert total == (len(expected) if page or offset else 0)
        assert queries.count <= 2  # the page with its count; past the end, the count alone


def test_cached_pages_are_read_until_the_catalogue_changes(
    settings, django_capture_on_commit_callbacks
):
    from workouts import services

    settings.WORKOUTS_LIST_CACHE_SECONDS = 30
    WorkoutFactory(title="First")

    first = workout_list_page(offset=0, limit=20)
    with QueryCounter() as queries:
        again = workout_list_page(offset=0, limit=20)
    with django_capture_on_commit_callbacks(execute=True):
        services.workout_create(
            fields={
                "title": "Second",
                "slug": "second",
                "estimated_duration_seconds": 600,
                "status": "published",
                "publish_at": timezone.now() - timedelta(minutes=1),
            },
            category_refs=[],
            trainer_id=None,
        )
    after_write = workout_list_page(offset=0, limit=20)

    assert again == first
    assert queries.count == 0  # from the cache
    assert [row["title"] for row in first[0]] == ["First"]
    assert [row["title"] for row in after_write[0]] == ["Second", "First"]
    assert after_write[1] == 2


def test_pages_of_different_queries_are_cached_apart(settings):
    settings.WORKOUTS_LIST_CACHE_SECONDS = 30
    WorkoutFactory(title="Easy", difficulty="beginner")
    WorkoutFactory(title="Hard", difficulty="advanced")

    easy = workout_list_page(filters=WorkoutFilters(difficulty="beginner"), offset=0, limit=20)
    hard = workout_list_page(filters=WorkoutFilters(difficulty="advanced"), offset=0, limit=20)

    assert [row["title"] for row in easy[0]] == ["Easy"]
    assert [row["title"] for row in hard[0]] == ["Hard"]
