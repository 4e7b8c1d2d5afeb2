from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from adminapi.models import AdminAuditEvent
from core.testing import QueryCounter
from workouts.models import Workout, WorkoutVideo
from workouts.selectors import workout_search_rows
from workouts.tests.factories import (
    CategoryFactory,
    TrainerFactory,
    WorkoutFactory,
    WorkoutVideoFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/admin/workouts"


def body(**overrides):
    data = {
        "title": "Tempo run drills",
        "slug": "tempo-run-drills",
        "description": "Strides and drills.",
        "goal": "endurance",
        "difficulty": "intermediate",
        "categories": [],
        "equipment": ["none"],
        "estimated_duration_seconds": 1500,
        "estimated_energy_kcal": 220,
        "is_premium": True,
        "status": "draft",
    }
    data.update(overrides)
    return data


def snapshot():
    return (
        sorted(Workout.objects.values_list("slug", "title", "status", "publish_at")),
        sorted(WorkoutVideo.objects.values_list("id", "order_index")),
        AdminAuditEvent.objects.count(),
    )


def test_a_content_manager_creates_a_scheduled_workout_with_categories_by_slug_and_id(
    cm_client, content_manager
):
    running = CategoryFactory(name="Running", slug="running")
    intervals = CategoryFactory(name="Intervals", slug="intervals")
    trainer = TrainerFactory(name="Ana Ruiz")
    when = timezone.now() + timedelta(days=2)

    response = cm_client.post(
        URL,
        body(
            categories=["running", intervals.pk],
            trainer=trainer.pk,
            status="scheduled",
            publish_at=when.isoformat(),
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    workout = Workout.objects.get()
    assert data["id"] == str(workout.pk)
    assert data["slug"] == "tempo-run-drills"
    assert data["status"] == "scheduled"
    assert datetime.fromisoformat(data["publish_at"]) == when
    assert data["categories"] == [
        {"id": intervals.pk, "slug": "intervals", "name": "Intervals"},
        {"id": running.pk, "slug": "running", "name": "Running"},
    ]
    assert data["trainer"] == {"id": trainer.pk, "name": "Ana Ruiz"}
    assert data["equipment"] == ["none"]
    assert data["estimated_energy_kcal"] == 220
    assert (data["is_premium"], data["is_purchasable"], data["is_featured"]) == (
        True,
        False,
        False,
    )
    assert sorted(workout.category_ids) == sorted([running.pk, intervals.pk])
    # Not yet visible; but indexed, so it is found once published.
    assert workout_search_rows(q="tempo").count() == 0
    Workout.objects.filter(pk=workout.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    assert [r["title"] for r in workout_search_rows(q="ruiz")] == ["Tempo run drills"]
    event = AdminAuditEvent.objects.get()
    assert (event.actor_id, event.action, event.object_type, event.object_id) == (
        content_manager.pk,
        "create",
        "workout",
        workout.pk,
    )


def test_a_put_replaces_the_workout_and_publishes_it(cm_client, content_manager):
    old = CategoryFactory(slug="old")
    new = CategoryFactory(name="Yoga", slug="yoga")
    workout = WorkoutFactory(
        title="Before", slug="before", status="draft", publish_at=None, categories=[old]
    )
    now = timezone.now().replace(microsecond=0)

    response = cm_client.put(
        f"{URL}/{workout.pk}",
        body(
            title="Yoga flow",
            slug="yoga-flow",
            categories=["yoga"],
            status="published",
            publish_at=now.isoformat(),
            is_premium=False,
        ),
        format="json",
    )

    assert response.status_code == 200, response.content
    workout.refresh_from_db()
    assert (workout.title, workout.slug, workout.status, workout.publish_at) == (
        "Yoga flow",
        "yoga-flow",
        "published",
        now,
    )
    assert list(workout.categories.values_list("slug", flat=True)) == ["yoga"]
    assert workout.category_ids == [new.pk]
    assert workout.trainer is None  # replaced: left out means none
    assert [r["title"] for r in workout_search_rows(q="yoga")] == ["Yoga flow"]
    assert response.json()["categories"] == [{"id": new.pk, "slug": "yoga", "name": "Yoga"}]
    assert list(AdminAuditEvent.objects.values_list("action", "object_id")) == [
        ("update", workout.pk)
    ]


def test_keeping_a_schedule_that_has_passed_is_allowed(cm_client):
    past = timezone.now() - timedelta(hours=1)
    workout = WorkoutFactory(slug="kept", status="scheduled", publish_at=past)

    response = cm_client.put(
        f"{URL}/{workout.pk}",
        body(slug="kept", status="scheduled", publish_at=past.isoformat()),
        format="json",
    )

    assert response.status_code == 200, response.content


def test_deleting_a_workout_deletes_its_videos(cm_client, content_manager):
    workout = WorkoutFactory()
    WorkoutVideoFactory(workout=workout)

    response = cm_client.delete(f"{URL}/{workout.pk}")

    assert response.status_code == 204
    assert not Workout.objects.exists()
    assert not WorkoutVideo.objects.exists()
    assert list(AdminAuditEvent.objects.values_list("action", "object_type", "object_id")) == [
        ("delete", "workout", workout.pk)
    ]


def test_the_list_shows_every_status_newest_first(cm_client):
    published = WorkoutFactory(title="Published")
    draft = WorkoutFactory(title="Draft", status="draft", publish_at=None)
    scheduled = WorkoutFactory(
        title="Scheduled", status="scheduled", publish_at=timezone.now() + timedelta(days=1)
    )

    data = cm_client.get(URL).json()

    assert data["count"] == 3
    assert [r["id"] for r in data["results"]] == [
        str(scheduled.pk),
        str(draft.pk),
        str(published.pk),
    ]
    assert [r["status"] for r in data["results"]] == ["scheduled", "draft", "published"]


def test_filters_combine(cm_client):
    strength = CategoryFactory(slug="strength")
    upper = CategoryFactory(slug="upper", parent=strength)
    WorkoutFactory(title="Push day", is_premium=True, categories=[upper])
    WorkoutFactory(title="Push draft", status="draft", publish_at=None, categories=[upper])
    WorkoutFactory(title="Pull day", is_premium=False, categories=[strength])
    WorkoutFactory(title="Push yoga", is_premium=True)

    def titles(query):
        response = cm_client.get(URL, query)
        assert response.status_code == 200, response.content
        return sorted(r["title"] for r in response.json()["results"])

    assert titles({"q": "PUSH"}) == ["Push day", "Push draft", "Push yoga"]
    assert titles({"status": "draft"}) == ["Push draft"]
    assert titles({"category": "strength"}) == ["Pull day", "Push day", "Push draft"]
    assert titles({"category": "strength", "is_premium": "true"}) == ["Push day"]
    assert titles({"q": "push", "is_premium": "false"}) == ["Push draft"]
    assert titles({"limit": 1, "offset": 3}) == ["Push day"]


def test_the_list_costs_the_same_queries_whatever_the_page_size(cm_client):
    categories = [CategoryFactory(), CategoryFactory()]
    trainer = TrainerFactory()
    WorkoutFactory(categories=categories, trainer=trainer)
    cm_client.get(URL)  # warm the user's permission cache path

    with QueryCounter() as one:
        assert cm_client.get(URL).status_code == 200
    for _ in range(15):
        WorkoutFactory(categories=categories, trainer=trainer)
    with QueryCounter() as many:
        response = cm_client.get(URL)

    assert len(response.json()["results"]) == 16
    assert many.count == one.count
    assert many.count == 6  # user, its permissions (2), count, page, categories


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "live"}, "status"),
        ({"is_premium": "maybe"}, "is_premium"),
        ({"limit": "500"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"sort": "title"}, "non_field_errors"),
        ({"q": ""}, "q"),
    ],
)
def test_bad_list_parameters_answer_400_naming_them(cm_client, query, field):
    response = cm_client.get(URL, query)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field


def _past():
    return (timezone.now() - timedelta(minutes=5)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"categories": ["no-such-category"]}, "categories", "unknown_category"),
        ({"categories": [999999]}, "categories", "unknown_category"),
        ({"categories": [True]}, "categories", "invalid"),
        ({"trainer": 999999}, "trainer", "unknown_trainer"),
        ({"status": "scheduled", "publish_at": "PAST"}, "publish_at", "publish_at_past"),
        ({"status": "published", "publish_at": None}, "publish_at", "invalid"),
        ({"publish_at": "2026-11-20T08:00:00"}, "publish_at", "naive"),
        ({"slug": "taken"}, "slug", "unique"),
        ({"estimated_duration_seconds": -5}, "estimated_duration_seconds", "min_value"),
        ({"is_premium": False, "is_purchasable": True}, "is_purchasable", "invalid"),
        ({"is_premium": "yes"}, "is_premium", "invalid"),
        ({"equipment": ["trampoline"]}, "equipment", "invalid_choice"),
        ({"title": 7}, "title", "invalid"),
        ({"colour": "red"}, "non_field_errors", "unknown_field"),
    ],
)
def test_bad_workouts_answer_400_naming_the_field_and_write_nothing(
    cm_client, overrides, field, code
):
    WorkoutFactory(slug="taken", title="Taken")
    if overrides.get("publish_at") == "PAST":
        overrides = {**overrides, "publish_at": _past()}
    before = snapshot()

    created = cm_client.post(URL, body(**overrides), format="json")
    existing = WorkoutFactory(slug="existing", title="Existing")
    before_put = snapshot()
    replaced = cm_client.put(
        f"{URL}/{existing.pk}", body(**{"slug": "existing", **overrides}), format="json"
    )

    for response in (created, replaced):
        if field == "slug" and response is replaced:
            continue
        assert response.status_code == 400, response.content
        error = response.json()["errors"][0]
        assert (error["attr"], error["code"]) == (field, code)
    assert snapshot()[0] == before_put[0]
    assert before[2] == before_put[2] == snapshot()[2] == 0


def test_replacing_with_a_taken_slug_is_refused(cm_client):
    WorkoutFactory(slug="taken")
    workout = WorkoutFactory(slug="mine")

    response = cm_client.put(f"{URL}/{workout.pk}", body(slug="taken"), format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "unique",
        "detail": "Workout with this Slug already exists.",
        "attr": "slug",
    }
    assert Workout.objects.get(pk=workout.pk).slug == "mine"


def test_unknown_and_malformed_ids_answer_404(cm_client):
    before = snapshot()
    missing = "6f1c2b8e-3d1a-4a4e-9a57-2f3c1d0e9b11"

    assert cm_client.put(f"{URL}/{missing}", body(), format="json").status_code == 404
    assert cm_client.delete(f"{URL}/{missing}").status_code == 404
    response = cm_client.delete(f"{URL}/12")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


def test_a_schedule_in_the_future_is_stored_in_utc(cm_client):
    response = cm_client.post(
        URL,
        body(status="scheduled", publish_at="2099-01-01T08:00:00+02:00"),
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["publish_at"] == "2099-01-01T06:00:00Z"
    assert Workout.objects.get().publish_at == datetime(2099, 1, 1, 6, tzinfo=UTC)


def test_a_workout_someone_holds_an_entitlement_to_is_not_deleted(cm_client, alice):
    from billing.models import Entitlement

    workout = WorkoutFactory(is_premium=True, is_purchasable=True)
    Entitlement.objects.create(user=alice, kind="workout", workout=workout)
    before = snapshot()

    response = cm_client.delete(f"{URL}/{workout.pk}")

    assert response.status_code == 409
    assert response.json()["code"] == "workout_has_entitlements"
    assert snapshot() == before
    assert Entitlement.objects.filter(workout=workout).count() == 1


def test_publishing_through_the_admin_api_puts_the_workout_in_the_catalogue(
    cm_client, alice_client
):
    workout = WorkoutFactory(title="Hidden draft", slug="hidden", status="draft", publish_at=None)
    assert alice_client.get("/api/workouts").json()["count"] == 0

    response = cm_client.put(
        f"{URL}/{workout.pk}",
        body(
            title="Hidden draft",
            slug="hidden",
            is_premium=False,
            status="published",
            publish_at=(timezone.now() - timedelta(seconds=1)).isoformat(),
        ),
        format="json",
    )

    assert response.status_code == 200
    listed = alice_client.get("/api/workouts").json()
    assert [item["id"] for item in listed["results"]] == [str(workout.pk)]
    assert alice_client.get(f"/api/workouts/{workout.pk}").status_code == 200
