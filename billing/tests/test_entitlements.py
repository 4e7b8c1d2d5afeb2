from datetime import timedelta

import pytest
from django.utils import timezone

from billing.entitlements import Access, video_access, workout_access, workouts_playable
from billing.models import Entitlement
from core.testing import QueryCounter
from workouts.tests.factories import WorkoutFactory, WorkoutVideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    free = WorkoutFactory(title="Free")
    premium = WorkoutFactory(title="Premium", is_premium=True)
    sold = WorkoutFactory(title="Sold alone", is_premium=True, is_purchasable=True)
    return {
        "free": free,
        "premium": premium,
        "sold": sold,
        "free_video": WorkoutVideoFactory(workout=free, order_index=1),
        "premium_video_in_free": WorkoutVideoFactory(workout=free, order_index=2, access="premium"),
        "preview": WorkoutVideoFactory(workout=premium, order_index=1, is_preview=True),
        "locked": WorkoutVideoFactory(workout=premium, order_index=2),
        "sold_video": WorkoutVideoFactory(workout=sold, order_index=1),
    }


def answers(user, catalogue):
    return {
        name: video_access(user=user, video=item)
        for name, item in catalogue.items()
        if name.endswith(("video", "_in_free")) or name in {"preview", "locked"}
    }


def test_a_user_without_entitlements_gets_free_content_and_previews(alice, catalogue):
    assert answers(alice, catalogue) == {
        "free_video": Access(True, "free"),
        "premium_video_in_free": Access(False, "needs_premium"),
        "preview": Access(True, "preview"),
        "locked": Access(False, "needs_premium"),
        "sold_video": Access(False, "buy_workout"),
    }
    assert workout_access(user=alice, workout=catalogue["free"]) == Access(True, "free")
    assert workout_access(user=alice, workout=catalogue["premium"]) == Access(
        False, "needs_premium"
    )
    assert workout_access(user=alice, workout=catalogue["sold"]) == Access(False, "buy_workout")


def test_staff_may_play_everything(staff, catalogue):
    assert set(answers(staff, catalogue).values()) == {Access(True, "staff")}
    assert workout_access(user=staff, workout=catalogue["premium"]) == Access(True, "staff")


def test_an_active_premium_grant_unlocks_everything(alice, catalogue):
    Entitlement.objects.create(
        user=alice, kind="premium", valid_until=timezone.now() + timedelta(days=30)
    )

    result = answers(alice, catalogue)

    assert result["locked"] == result["sold_video"] == Access(True, "premium")
    assert result["preview"] == Access(True, "preview")
    assert result["free_video"] == Access(True, "free")
    assert workout_access(user=alice, workout=catalogue["premium"]) == Access(True, "premium")


def test_an_expired_grant_unlocks_nothing(alice, catalogue):
    Entitlement.objects.create(
        user=alice, kind="premium", valid_until=timezone.now() - timedelta(seconds=1)
    )
    Entitlement.objects.create(
        user=alice,
        kind="workout",
        workout=catalogue["sold"],
        valid_until=timezone.now() - timedelta(days=1),
    )

    assert answers(alice, catalogue)["locked"] == Access(False, "needs_premium")
    assert answers(alice, catalogue)["sold_video"] == Access(False, "buy_workout")


def test_a_one_workout_grant_unlocks_that_workout_only(alice, bob, catalogue):
    Entitlement.objects.create(user=alice, kind="workout", workout=catalogue["sold"])

    assert answers(alice, catalogue)["sold_video"] == Access(True, "purchased")
    assert answers(alice, catalogue)["locked"] == Access(False, "needs_premium")
    assert answers(bob, catalogue)["sold_video"] == Access(False, "buy_workout")
    assert workout_access(user=alice, workout=catalogue["sold"]) == Access(True, "purchased")


def test_the_bulk_form_answers_a_list_in_one_query(alice, staff, catalogue):
    Entitlement.objects.create(user=alice, kind="workout", workout=catalogue["sold"])
    ids = [catalogue[name].pk for name in ("free", "premium", "sold")]

    with QueryCounter() as queries:
        playable = workouts_playable(user=alice, workout_ids=ids)
    with QueryCounter() as staff_queries:
        staff_playable = workouts_playable(user=staff, workout_ids=ids)

    assert playable == {catalogue["free"].pk, catalogue["sold"].pk}
    assert queries.count == 1
    assert staff_playable == set(ids)
    assert staff_queries.count == 0
    assert workouts_playable(user=alice, workout_ids=[]) == set()


def test_the_database_refuses_a_workout_grant_without_a_workout(alice):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Entitlement.objects.create(user=alice, kind="workout")


def test_the_list_form_agrees_with_the_bulk_form(alice, bob, staff, catalogue):
    from billing.entitlements import WorkoutRef, workouts_playable_rows

    Entitlement.objects.create(user=alice, kind="workout", workout=catalogue["sold"])
    workouts = [catalogue[name] for name in ("free", "premium", "sold")]
    refs = [WorkoutRef(w.pk, w.is_premium, w.is_purchasable) for w in workouts]
    ids = [w.pk for w in workouts]

    for user in (alice, bob, staff):
        assert workouts_playable_rows(user=user, workouts=refs) == workouts_playable(
            user=user, workout_ids=ids
        )
    with QueryCounter() as queries:
        workouts_playable_rows(user=alice, workouts=refs[:1])
    assert queries.count == 0
