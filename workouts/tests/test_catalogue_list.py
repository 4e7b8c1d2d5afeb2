from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Entitlement
from core.testing import QueryCounter, SchemaValidatingClient
from profiles.models import Favorite
from workouts.tests.factories import CategoryFactory, WorkoutFactory

pytestmark = pytest.mark.django_db
LIST = "/api/workouts"


def titles(response):
    assert response.status_code == 200, response.json()
    return [item["title"] for item in response.json()["results"]]


def test_only_published_workouts_are_listed_scheduled_ones_once_their_time_has_come(
    alice_client,
):
    now = timezone.now()
    WorkoutFactory(title="Live")
    WorkoutFactory(title="Draft", status="draft", publish_at=None)
    WorkoutFactory(title="Due", status="scheduled", publish_at=now - timedelta(minutes=1))
    WorkoutFactory(title="Later", status="scheduled", publish_at=now + timedelta(hours=1))
    WorkoutFactory(title="Future published", publish_at=now + timedelta(hours=1))

    assert sorted(titles(alice_client.get(LIST))) == ["Due", "Live"]


def test_filters_combine_and_category_includes_its_children(alice_client):
    strength = CategoryFactory(name="Strength", slug="strength")
    upper = CategoryFactory(name="Upper body", slug="upper-body", parent=strength)
    yoga = CategoryFactory(name="Yoga", slug="yoga")
    WorkoutFactory(title="Press", categories=[upper], difficulty="advanced", goal="strength")
    WorkoutFactory(
        title="Squat",
        categories=[strength, upper],
        difficulty="beginner",
        equipment=["barbell"],
        estimated_duration_seconds=40 * 60,
    )
    WorkoutFactory(
        title="Flow",
        categories=[yoga],
        goal="mobility",
        equipment=["mat"],
        estimated_duration_seconds=15 * 60,
        is_premium=True,
        is_featured=True,
    )

    assert sorted(titles(alice_client.get(LIST, {"category": "strength"}))) == ["Press", "Squat"]
    assert titles(alice_client.get(LIST, {"category": "upper-body", "difficulty": "advanced"})) == [
        "Press"
    ]
    assert titles(alice_client.get(LIST, {"goal": "mobility"})) == ["Flow"]
    assert sorted(titles(alice_client.get(f"{LIST}?equipment=mat&equipment=barbell"))) == [
        "Flow",
        "Squat",
    ]
    assert titles(alice_client.get(LIST, {"duration_max": 15})) == ["Flow"]
    assert titles(alice_client.get(LIST, {"duration_min": 30})) == ["Squat"]
    assert titles(alice_client.get(LIST, {"is_premium": "true"})) == ["Flow"]
    assert sorted(titles(alice_client.get(LIST, {"is_featured": "false"}))) == ["Press", "Squat"]
    assert titles(alice_client.get(LIST, {"category": "nothing-here"})) == []


def test_orderings(alice_client):
    now = timezone.now()
    WorkoutFactory(
        title="Old long popular",
        publish_at=now - timedelta(days=9),
        estimated_duration_seconds=3600,
        completions_count=50,
        rating_average="3.00",
        rating_count=9,
    )
    WorkoutFactory(
        title="New short",
        publish_at=now - timedelta(days=1),
        estimated_duration_seconds=600,
        completions_count=5,
        rating_average="4.50",
        rating_count=2,
    )
    WorkoutFactory(
        title="Middle",
        publish_at=now - timedelta(days=5),
        estimated_duration_seconds=1800,
        completions_count=10,
        rating_average="4.50",
        rating_count=20,
    )

    assert titles(alice_client.get(LIST)) == ["New short", "Middle", "Old long popular"]
    assert titles(alice_client.get(LIST, {"ordering": "popular"})) == [
        "Old long popular",
        "Middle",
        "New short",
    ]
    assert titles(alice_client.get(LIST, {"ordering": "rating"})) == [
        "Middle",
        "New short",
        "Old long popular",
    ]
    assert titles(alice_client.get(LIST, {"ordering": "shortest"})) == [
        "New short",
        "Middle",
        "Old long popular",
    ]


def test_limit_offset_pagination_with_count(alice_client):
    now = timezone.now()
    for i in range(5):
        WorkoutFactory(title=f"W{i}", publish_at=now - timedelta(days=i + 1))

    response = alice_client.get(LIST, {"limit": 2, "offset": 2})
    last = alice_client.get(LIST, {"limit": 2, "offset": 4})
    past_the_end = alice_client.get(LIST, {"limit": 2, "offset": 9})

    assert response.json()["count"] == 5
    assert titles(response) == ["W2", "W3"]
    assert response.json()["next"].endswith("limit=2&offset=4")
    assert response.json()["previous"].endswith("limit=2")
    assert (titles(last), last.json()["next"]) == (["W4"], None)
    assert (titles(past_the_end), past_the_end.json()["count"]) == ([], 5)


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"colour": "red"}, "non_field_errors"),
        ({"ordering": "cheapest"}, "ordering"),
        ({"difficulty": "extreme"}, "difficulty"),
        ({"equipment": "sofa"}, "equipment.0"),
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "ten"}, "limit"),
        ({"duration_min": 30, "duration_max": 10}, "duration_max"),
        ({"is_premium": "maybe"}, "is_premium"),
    ],
)
def test_bad_query_parameters_answer_400_naming_them(alice_client, params, attr):
    response = alice_client.get(LIST, params)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["attr"] for e in errors] == [attr]
    if attr == "non_field_errors":
        assert "colour" in errors[0]["detail"]


def test_items_carry_what_the_list_screen_shows(alice, alice_client):
    free = WorkoutFactory(title="Free", thumbnail="t.jpg", difficulty="beginner", goal="mobility")
    premium = WorkoutFactory(title="Premium", is_premium=True, publish_at=timezone.now())
    Favorite.objects.create(user=alice, kind="workout", object_id=premium.pk)

    items = {item["title"]: item for item in alice_client.get(LIST).json()["results"]}

    assert items["Free"] == {
        "id": str(free.pk),
        "title": "Free",
        "thumbnail": "t.jpg",
        "duration_seconds": 1200,
        "difficulty": "beginner",
        "goal": "mobility",
        "is_premium": False,
        "rating_average": 0.0,
        "rating_count": 0,
        "is_favorite": False,
        "can_play": True,
    }
    assert items["Premium"]["is_favorite"] is True
    assert items["Premium"]["can_play"] is False


def test_can_play_follows_the_callers_entitlements(alice, bob, staff):
    premium = WorkoutFactory(title="Premium", is_premium=True)
    bought = WorkoutFactory(title="Bought", is_premium=True)
    Entitlement.objects.create(user=alice, kind="workout", workout=bought)

    def can_play(user):
        client = SchemaValidatingClient().as_user(user)
        return {i["title"]: i["can_play"] for i in client.get(LIST).json()["results"]}

    assert can_play(alice) == {"Premium": False, "Bought": True}
    assert can_play(bob) == {"Premium": False, "Bought": False}
    assert can_play(staff) == {"Premium": True, "Bought": True}
    Entitlement.objects.create(user=bob, kind="premium")
    assert can_play(bob) == {"Premium": True, "Bought": True}
    assert premium.pk


@pytest.mark.parametrize("size", [1, 30])
def test_the_list_costs_at_most_five_queries_whatever_the_page_size(alice, alice_client, size):
    category = CategoryFactory(slug="hiit")
    workouts = [
        WorkoutFactory(categories=[category], is_premium=i % 2 == 0, difficulty="advanced")
        for i in range(size)
    ]
    Favorite.objects.create(user=alice, kind="workout", object_id=workouts[0].pk)

    with QueryCounter() as queries:
        response = alice_client.get(
            LIST, {"limit": 100, "category": "hiit", "difficulty": "advanced"}
        )

    assert response.status_code == 200
    assert response.json()["count"] == size
    # The caller, the page (with its count), the caller's favourites, the entitlements.
    assert queries.count == 4, [q["sql"] for q in queries.captured_queries]


def test_featured_lists_published_featured_workouts(alice_client):
    WorkoutFactory(title="Star", is_featured=True)
    WorkoutFactory(title="Plain")
    WorkoutFactory(title="Hidden star", is_featured=True, status="draft", publish_at=None)

    assert titles(alice_client.get("/api/workouts/featured")) == ["Star"]
    assert alice_client.get("/api/workouts/featured", {"sort": "x"}).status_code == 400


def test_categories_tree_counts_published_workouts_once(alice_client):
    strength = CategoryFactory(name="Strength", slug="strength", order=1)
    upper = CategoryFactory(name="Upper body", slug="upper-body", parent=strength)
    lower = CategoryFactory(name="Lower body", slug="lower-body", parent=strength)
    CategoryFactory(name="Yoga", slug="yoga", order=2)
    WorkoutFactory(categories=[upper, lower])
    WorkoutFactory(categories=[upper])
    WorkoutFactory(categories=[lower], status="draft", publish_at=None)

    response = alice_client.get("/api/workouts/categories")

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "strength",
            "name": "Strength",
            "workout_count": 2,
            "children": [
                {"slug": "lower-body", "name": "Lower body", "workout_count": 1},
                {"slug": "upper-body", "name": "Upper body", "workout_count": 2},
            ],
        },
        {"slug": "yoga", "name": "Yoga", "workout_count": 0, "children": []},
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/workouts"),
        ("get", "/api/workouts/categories"),
        ("get", "/api/workouts/featured"),
        ("get", "/api/workouts/search?q=yoga"),
        ("get", "/api/workouts/{id}"),
        ("get", "/api/workouts/{id}/videos"),
        ("post", "/api/workouts/{id}/progress"),
        ("post", "/api/workouts/{id}/rate"),
    ],
)
def test_anonymous_callers_get_401(api_client, method, path):
    workout = WorkoutFactory()

    response = getattr(api_client, method)(path.format(id=workout.pk), {}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_empty_parameter_is_refused_not_ignored(alice_client):
    response = alice_client.get(f"{LIST}?ordering=&difficulty=")

    assert response.status_code == 400
    assert sorted(e["attr"] for e in response.json()["errors"]) == ["difficulty", "ordering"]
