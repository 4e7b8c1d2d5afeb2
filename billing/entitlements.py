"""May this user open this workout / play this video? One place answers, with a reason.

Every source of access is an ``Entitlement`` row: an admin's grant, a subscription from any
store (kept in step with its state by ``billing.services.grants``: premium while active,
trialing, in a grace period or billing retry; ended at expiry, refund or revocation), or a
one-time purchase (one workout, a meal-plan package, or premium). A user who pays on iPhone is
premium on Android and the web: the question below never looks at the provider.

Rules:

* staff may play everything (``staff``);
* free content (a free workout's free videos) is for every signed-in user (``free``);
* a video marked ``is_preview`` is a free sample of premium content (``preview``);
* an active premium entitlement unlocks everything (``premium``), an active one-workout
  entitlement unlocks that workout (``purchased``); active = no end or an end in the future;
* otherwise refused: ``buy_workout`` when the workout is sold on its own, else ``needs_premium``.

A video is premium content when its workout is premium or the video itself is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from billing.models import Entitlement
from workouts.selectors import workouts_queryset_by_ids


class AccessReason(models.TextChoices):
    FREE = "free", "Free content"
    PREVIEW = "preview", "A free sample of premium content"
    STAFF = "staff", "Staff see everything"
    PREMIUM = "premium", "Premium entitlement"
    PURCHASED = "purchased", "This workout was bought (or granted)"
    NEEDS_PREMIUM = "needs_premium", "Locked: needs premium"
    BUY_WORKOUT = "buy_workout", "Locked: buy this workout (or go premium)"


FREE = AccessReason.FREE
PREVIEW = AccessReason.PREVIEW
STAFF = AccessReason.STAFF
PREMIUM = AccessReason.PREMIUM
PURCHASED = AccessReason.PURCHASED
NEEDS_PREMIUM = AccessReason.NEEDS_PREMIUM
BUY_WORKOUT = AccessReason.BUY_WORKOUT


@dataclass(frozen=True)
class Access:
    allowed: bool
    reason: str


def _active_at(now: Any) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))


def _active(user: Any) -> QuerySet[Entitlement]:
    return _active_at(timezone.now()).filter(user=user)


@dataclass(frozen=True)
class WorkoutRef:
    """What the rules need to know about a workout (a list row can answer without loading
    the model)."""

    pk: Any
    is_premium: bool
    is_purchasable: bool = False


@dataclass(frozen=True)
class UserEntitlements:
    """What a user holds right now, loaded once (one query) for a screen of content."""

    is_staff: bool
    premium: bool
    workout_ids: frozenset[Any]
    meal_plan_packages: frozenset[str] = frozenset()


def user_entitlements(*, user: Any) -> UserEntitlements:
    if user.is_staff:
        return UserEntitlements(is_staff=True, premium=True, workout_ids=frozenset())
    rows = list(_active(user).values_list("kind", "workout_id", "meal_plan_package"))
    return UserEntitlements(
        is_staff=False,
        premium=any(kind == Entitlement.Kind.PREMIUM for kind, _, _ in rows),
        workout_ids=frozenset(wid for kind, wid, _ in rows if kind == Entitlement.Kind.WORKOUT),
        meal_plan_packages=frozenset(
            pkg for kind, _, pkg in rows if kind == Entitlement.Kind.MEAL_PLAN_PACKAGE
        ),
    )


def user_is_premium(*, user: Any) -> bool:
    """Does the user hold premium right now (from any store, a purchase or a grant)?"""
    if user.is_staff:
        return True
    return _active(user).filter(kind=Entitlement.Kind.PREMIUM).exists()


def meal_plan_package_access(*, user: Any, package: str) -> Access:
    """May the user use this meal-plan package? Premium covers every package; a bought package
    unlocks that package only."""
    if user.is_staff:
        return Access(True, STAFF)
    held = user_entitlements(user=user)
    if held.premium:
        return Access(True, PREMIUM)
    if package in held.meal_plan_packages:
        return Access(True, PURCHASED)
    return Access(False, NEEDS_PREMIUM)


def _refusal(workout: Any) -> Access:
    return Access(False, BUY_WORKOUT if workout.is_purchasable else NEEDS_PREMIUM)


def workout_access(*, user: Any, workout: Any, held: UserEntitlements | None = None) -> Access:
    """May the user play the workout as a whole (every video of it)?"""
    if user.is_staff:
        return Access(True, STAFF)
    if not workout.is_premium:
        return Access(True, FREE)
    held = held or user_entitlements(user=user)
    if held.premium:
        return Access(True, PREMIUM)
    if workout.pk in held.workout_ids:
        return Access(True, PURCHASED)
    return _refusal(workout)


def video_access(
    *, user: Any, video: Any, workout: Any = None, held: UserEntitlements | None = None
) -> Access:
    """May the user play this video? Pass ``held`` to answer for many videos in no queries."""
    workout = workout or video.workout
    if user.is_staff:
        return Access(True, STAFF)
    premium_content = workout.is_premium or video.access == "premium"
    if not premium_content:
        return Access(True, FREE)
    if video.is_preview:
        return Access(True, PREVIEW)
    held = held or user_entitlements(user=user)
    if held.premium:
        return Access(True, PREMIUM)
    if workout.pk in held.workout_ids:
        return Access(True, PURCHASED)
    return _refusal(workout)


def workouts_playable_rows(*, user: Any, workouts: Iterable[WorkoutRef]) -> set[Any]:
    """The ids of ``workouts`` the user may play as a whole, for a list screen that already
    has each row's premium flags: one small query on the user's entitlements, none when the
    list has no premium workout or the user is staff."""
    refs = list(workouts)
    if user.is_staff:
        return {ref.pk for ref in refs}
    if not any(ref.is_premium for ref in refs):
        return {ref.pk for ref in refs}
    held = user_entitlements(user=user)
    return {ref.pk for ref in refs if workout_access(user=user, workout=ref, held=held).allowed}


def workouts_playable(*, user: Any, workout_ids: Iterable[Any]) -> set[Any]:
    """The ids among ``workout_ids`` the user may play as a whole, in one query (none for staff
    or an empty list)."""
    ids = list(workout_ids)
    if not ids:
        return set()
    if user.is_staff:
        return set(ids)
    active = _active(user)
    return set(
        workouts_queryset_by_ids(ids=ids)
        .filter(
            Q(is_premium=False)
            | Exists(active.filter(kind=Entitlement.Kind.PREMIUM))
            | Exists(active.filter(kind=Entitlement.Kind.WORKOUT, workout_id=OuterRef("pk")))
        )
        .values_list("pk", flat=True)
    )


def premium_active_exists() -> Exists:
    """``Exists`` of an active premium entitlement of the outer query's user (its ``pk``), to
    annotate or filter a user queryset in the same query."""
    return Exists(
        _active_at(timezone.now()).filter(user_id=OuterRef("pk"), kind=Entitlement.Kind.PREMIUM)
    )


def workout_has_entitlements(*, workout_id: Any) -> bool:
    """Whether anyone holds (or held) a one-workout entitlement to this workout: a grant or a
    purchase that deleting the workout would erase."""
    return Entitlement.objects.filter(workout_id=workout_id).exists()
