"""Who may call the admin API: the matrix of personas and endpoints, and the two roles in the
Django admin dashboard."""

import pytest
from django.contrib.auth.models import Group

from adminapi.models import AdminAuditEvent
from core.testing import SchemaValidatingClient
from workouts.models import Workout, WorkoutVideo
from workouts.tests.factories import WorkoutFactory, WorkoutVideoFactory

pytestmark = pytest.mark.django_db

CONTENT = "content"
USERS = "users"


def _calls():
    """(area, method, url, body) for every endpoint, on fresh objects."""
    workout = WorkoutFactory(slug="matrix")
    video = WorkoutVideoFactory(workout=workout, order_index=1)
    spare = WorkoutFactory(slug="spare")
    spare_video = WorkoutVideoFactory(workout=spare, order_index=1)
    workout_body = {"title": "M", "slug": "matrix-new", "estimated_duration_seconds": 60}
    video_body = {"title": "V", "order_index": 2, "duration_seconds": 60}
    return [
        (CONTENT, "get", "/api/admin/workouts", None),
        (CONTENT, "post", "/api/admin/workouts", workout_body),
        (CONTENT, "put", f"/api/admin/workouts/{workout.pk}", {**workout_body, "slug": "matrix"}),
        (CONTENT, "post", "/api/admin/videos", {**video_body, "workout": str(workout.pk)}),
        (CONTENT, "put", f"/api/admin/videos/{video.pk}", video_body),
        (CONTENT, "delete", f"/api/admin/videos/{spare_video.pk}", None),
        (CONTENT, "delete", f"/api/admin/workouts/{spare.pk}", None),
        (USERS, "get", "/api/admin/users", None),
    ]


def _state():
    return (
        sorted(Workout.objects.values_list("slug", "title")),
        sorted(WorkoutVideo.objects.values_list("id", "order_index", "title")),
        AdminAuditEvent.objects.count(),
    )


def _run(client, allowed_areas, refused_status):
    calls = _calls()
    for area, method, url, data in calls:
        before = _state()
        response = getattr(client, method)(url, data=data, format="json")
        if area in allowed_areas:
            assert response.status_code in (200, 201, 204), (method, url, response.content)
        else:
            assert response.status_code == refused_status, (method, url, response.content)
            assert _state() == before, (method, url)


def test_anonymous_callers_get_401_everywhere(db):
    _run(SchemaValidatingClient(), allowed_areas=(), refused_status=401)


def test_members_get_403_everywhere(alice):
    _run(SchemaValidatingClient().as_user(alice), allowed_areas=(), refused_status=403)


def test_staff_without_a_role_get_403_everywhere(staff):
    _run(SchemaValidatingClient().as_user(staff), allowed_areas=(), refused_status=403)


def test_content_managers_manage_content_but_cannot_list_users(cm_client):
    _run(cm_client, allowed_areas=(CONTENT,), refused_status=403)


def test_support_lists_users_but_cannot_touch_content(support_client):
    _run(support_client, allowed_areas=(USERS,), refused_status=403)


def test_superusers_may_do_everything(superuser):
    _run(
        SchemaValidatingClient().as_user(superuser),
        allowed_areas=(CONTENT, USERS),
        refused_status=0,
    )


def test_a_role_without_staff_status_is_refused(content_manager):
    content_manager.is_staff = False
    content_manager.save(update_fields=["is_staff"])

    response = SchemaValidatingClient().as_user(content_manager).get("/api/admin/workouts")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_the_roles_hold_exactly_their_permissions(db):
    def perms(name):
        return sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=name).permissions.select_related("content_type")
        )

    assert perms("Content managers") == sorted(
        f"workouts.{action}_{model}"
        for model in ("workout", "workoutvideo", "category", "trainer")
        for action in ("add", "change", "delete", "view")
    )
    assert perms("Support") == ["accounts.view_user", "billing.view_entitlement"]


def test_a_content_manager_uses_the_django_admin_for_content_but_not_billing_or_users(
    client, content_manager
):
    client.force_login(content_manager)

    for url in (
        "/admin/",
        "/admin/workouts/workout/",
        "/admin/workouts/workout/add/",
        "/admin/workouts/category/",
        "/admin/workouts/trainer/",
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        "/admin/billing/entitlement/",
        "/admin/accounts/user/",
        "/admin/adminapi/adminauditevent/",
    ):
        assert client.get(url).status_code == 403, url
    index = client.get("/admin/").content.decode()
    assert "/admin/workouts/workout/" in index
    assert "/admin/billing/" not in index
    assert "/admin/accounts/" not in index


def test_support_sees_entitlements_in_the_django_admin_but_cannot_change_them(client, support):
    client.force_login(support)

    assert client.get("/admin/billing/entitlement/").status_code == 200
    assert client.get("/admin/billing/entitlement/add/").status_code == 403
    assert client.get("/admin/workouts/workout/").status_code == 403
