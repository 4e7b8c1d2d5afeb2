"""Django-side data for the workout catalogue figures (bench/scenarios/workouts.py).

Called through ``python -m bench.django_tasks workouts-...`` (so after ``django.setup()`` and
its bench-database guard), never imported by the bench process itself.

The catalogue: 10,000 published workouts (slugs ``bench-workout-00000`` ...) with 40,000
videos, in 8 top-level categories and their 22 sub-categories (one level of nesting), every
difficulty, goal and piece of equipment, a third of them premium, 40 trainers. Rows go in with
``bulk_create`` (deterministic: a fixed seed) and the search vector and category ids are then
computed by the app's own ``workouts_index_refresh`` (one set-based UPDATE per chunk). Once
there (recognised by its counts) it is kept across runs.

The signed-in user is ``bench-workouts@example.com``: not staff, no premium, a few
favourites and one bought workout, so both per-page lookups (favourites, entitlements) run.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

WORKOUTS = 10_000
VIDEOS_PER_WORKOUT = 4
SLUG_PREFIX = "bench-workout-"
TRAINER_PREFIX = "Bench coach "
USER_EMAIL = "bench-workouts@example.com"
SEED = 20261126
NEWEST = datetime(2026, 11, 1, tzinfo=UTC)  # publish dates spread over the 3 years before
INDEX_CHUNK = 2_000

# top-level slug, name -> children (slug, name)
CATEGORIES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("strength", "Strength"): [
        ("upper-body", "Upper body"),
        ("lower-body", "Lower body"),
        ("full-body", "Full body"),
        ("core", "Core"),
    ],
    ("cardio", "Cardio"): [("running", "Running"), ("cycling", "Cycling"), ("rowing", "Rowing")],
    ("hiit", "HIIT"): [("tabata", "Tabata"), ("emom", "EMOM"), ("circuits", "Circuits")],
    ("yoga", "Yoga"): [("vinyasa", "Vinyasa"), ("yin-yoga", "Yin"), ("power-yoga", "Power yoga")],
    ("pilates", "Pilates"): [("mat-pilates", "Mat pilates"), ("reformer", "Reformer")],
    ("mobility", "Mobility"): [("stretching", "Stretching"), ("foam-rolling", "Foam rolling")],
    ("boxing", "Boxing"): [("shadow-boxing", "Shadow boxing"), ("bag-work", "Bag work")],
    ("dance", "Dance"): [("zumba", "Zumba"), ("barre", "Barre"), ("hip-hop", "Hip hop")],
}
# the words a title is made of, per top-level category
FOCUS = {
    "strength": ["Dumbbell", "Kettlebell", "Barbell", "Bodyweight", "Glute", "Arm", "Leg"],
    "cardio": ["Endurance", "Interval", "Tempo", "Steady", "Hill", "Sprint"],
    "hiit": ["Fat Burn", "Sweat", "Power", "Explosive", "Metcon", "Afterburn"],
    "yoga": ["Yoga", "Sun Salutation", "Balance", "Breath", "Hip Opening", "Restorative Yoga"],
    "pilates": ["Pilates", "Core Control", "Posture", "Long and Lean", "Pelvic Floor"],
    "mobility": ["Mobility", "Hip", "Shoulder", "Spine", "Recovery", "Desk Break"],
    "boxing": ["Boxing", "Combo", "Footwork", "Southpaw", "Knockout", "Jab and Cross"],
    "dance": ["Dance", "Latin", "Cardio Dance", "Groove", "Ballet", "Party"],
}
FORMAT = [
    "Flow",
    "Burn",
    "Blast",
    "Builder",
    "Circuit",
    "Session",
    "Challenge",
    "Basics",
    "Express",
    "Ladder",
    "Pyramid",
    "Sculpt",
    "Reset",
    "Workout",
    "Class",
]
WHEN = [
    "Morning",
    "Lunchtime",
    "Evening",
    "Weekend",
    "Quick",
    "Total",
    "Beginner's",
    "Advanced",
    "Ultimate",
    "Gentle",
    "Intense",
    "Daily",
    "Home",
    "Travel",
    "Studio",
]
FIRST_NAMES = [
    "Maya",
    "Lena",
    "Tom",
    "Aisha",
    "Marco",
    "Yuki",
    "Sofia",
    "Ben",
    "Priya",
    "Jonas",
    "Chloe",
    "Diego",
    "Nina",
    "Omar",
    "Grace",
    "Luca",
    "Zara",
    "Felix",
    "Ines",
    "Sam",
]
LAST_NAMES = ["Patel", "Vogt", "Okafor", "Rossi", "Tanaka", "Silva", "Berg", "Kim"]
SENTENCES = [
    "A {minutes}-minute {focus} session to {verb} your {part}.",
    "{trainer} guides you through {count} rounds with short rests.",
    "Warm up, work hard, then cool down with a few stretches.",
    "Great for {goal} and for building a consistent habit.",
    "Modify any move: every exercise has an easier and a harder option.",
    "Bring {equipment} and some water.",
    "Expect to sweat, breathe deeply and finish stronger than you started.",
]
VERBS = ["strengthen", "wake up", "loosen", "challenge", "tone", "energise"]
PARTS = ["legs", "core", "back", "shoulders", "whole body", "hips", "arms", "glutes"]
VIDEO_TITLES = ["Warm-up", "Main set", "Finisher", "Cool-down", "Stretch", "Round two"]


def _catalogue_state() -> dict[str, Any]:
    from workouts.models import Workout, WorkoutVideo

    workouts = Workout.objects.filter(slug__startswith=SLUG_PREFIX)
    counts = {
        "workouts": workouts.count(),
        "indexed": workouts.filter(search_vector__isnull=False).exclude(category_ids=[]).count(),
        "videos": WorkoutVideo.objects.filter(workout__slug__startswith=SLUG_PREFIX).count(),
    }
    counts["complete"] = counts == {
        "workouts": WORKOUTS,
        "indexed": WORKOUTS,
        "videos": WORKOUTS * VIDEOS_PER_WORKOUT,
    }
    return counts


def _categories() -> dict[str, Any]:
    """The category tree (created if missing), by slug."""
    from workouts.models import Category

    by_slug = {c.slug: c for c in Category.objects.all()}
    for order, ((slug, name), children) in enumerate(CATEGORIES.items()):
        parent = by_slug.get(slug) or Category.objects.create(slug=slug, name=name, order=order)
        by_slug[slug] = parent
        for child_order, (child_slug, child_name) in enumerate(children):
            if child_slug not in by_slug:
                by_slug[child_slug] = Category.objects.create(
                    slug=child_slug, name=child_name, parent=parent, order=child_order
                )
    return by_slug


def _trainers() -> list[Any]:
    from workouts.models import Trainer

    existing = list(Trainer.objects.filter(name__startswith=TRAINER_PREFIX).order_by("pk"))
    if len(existing) == 40:
        return existing
    Trainer.objects.filter(name__startswith=TRAINER_PREFIX).delete()
    names = [f"{TRAINER_PREFIX}{first} {last}" for last in LAST_NAMES[:2] for first in FIRST_NAMES]
    trainers = [
        Trainer(name=name, bio=f"{name.removeprefix(TRAINER_PREFIX)} coaches for FitCore.")
        for name in names
    ]
    return Trainer.objects.bulk_create(trainers)


def _load(rng: random.Random) -> dict[str, Any]:
    from django.db import connection, transaction

    from workouts.choices import Difficulty, Equipment, Goal, Status, VideoAccess
    from workouts.models import Workout, WorkoutVideo
    from workouts.services import workouts_index_refresh

    started = time.monotonic()
    categories = _categories()
    trainers = _trainers()
    tops = list(CATEGORIES)
    equipment = list(Equipment.values)
    workouts: list[Workout] = []
    memberships: list[tuple[Any, int]] = []
    videos: list[WorkoutVideo] = []
    for index in range(WORKOUTS):
        top_slug, top_name = tops[index % len(tops)]
        children = CATEGORIES[(top_slug, top_name)]
        child_slug, child_name = rng.choice(children)
        focus = rng.choice(FOCUS[top_slug])
        title = f"{rng.choice(WHEN)} {focus} {rng.choice(FORMAT)}"
        trainer = rng.choice(trainers)
        minutes = rng.choice([10, 15, 20, 25, 30, 40, 45, 60])
        premium = rng.random() < 0.33
        kit = sorted(set(rng.sample(equipment, rng.choice([1, 1, 1, 2, 2, 3]))))
        goal = rng.choice(Goal.values)
        words = {
            "minutes": minutes,
            "focus": focus.lower(),
            "verb": rng.choice(VERBS),
            "part": rng.choice(PARTS),
            "trainer": trainer.name.removeprefix(TRAINER_PREFIX),
            "count": rng.randint(3, 8),
            "goal": Goal(goal).label.lower(),
            "equipment": " and ".join(Equipment(k).label.lower() for k in kit),
        }
        description = " ".join(s.format(**words) for s in rng.sample(SENTENCES, 4))
        ratings = rng.randint(0, 400)
        workout = Workout(
            title=title,
            slug=f"{SLUG_PREFIX}{index:05d}",
            description=description,
            goal=goal,
            difficulty=rng.choice(Difficulty.values),
            equipment=kit,
            estimated_duration_seconds=minutes * 60,
            estimated_energy_kcal=minutes * rng.randint(5, 12),
            thumbnail=f"https://cdn.fitcore.example/thumbs/{SLUG_PREFIX}{index:05d}.jpg",
            is_premium=premium,
            is_purchasable=premium and rng.random() < 0.3,
            is_featured=rng.random() < 0.03,
            status=Status.PUBLISHED,
            publish_at=NEWEST - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
            trainer=trainer,
            rating_average=round(rng.uniform(3.0, 5.0), 2) if ratings else 0,
            rating_count=ratings,
            completions_count=rng.randint(0, 5000),
        )
        workouts.append(workout)
        memberships.append((workout.pk, categories[child_slug].pk))
        if rng.random() < 0.2:  # also filed under a second top-level category
            other = rng.choice(tops)[0]
            if other != top_slug:
                memberships.append((workout.pk, categories[other].pk))
        for order in range(1, VIDEOS_PER_WORKOUT + 1):
            videos.append(
                WorkoutVideo(
                    workout=workout,
                    order_index=order,
                    title=f"{VIDEO_TITLES[(order - 1) % len(VIDEO_TITLES)]}: {child_name}",
                    duration_seconds=max(60, minutes * 60 // VIDEOS_PER_WORKOUT),
                    access=VideoAccess.PREMIUM if premium and order > 1 else VideoAccess.FREE,
                    is_preview=premium and order == 1,
                )
            )
    generated = time.monotonic() - started
    through = Workout.categories.through
    with transaction.atomic():
        Workout.objects.filter(slug__startswith=SLUG_PREFIX).delete()  # a partial load, if any
        Workout.objects.bulk_create(workouts, batch_size=2_000)
        through.objects.bulk_create(
            [through(workout_id=w, category_id=c) for w, c in memberships], batch_size=5_000
        )
        WorkoutVideo.objects.bulk_create(videos, batch_size=5_000)
        inserted = time.monotonic() - started - generated
        ids = [w.pk for w in workouts]
        for first in range(0, len(ids), INDEX_CHUNK):
            workouts_index_refresh(workout_ids=ids[first : first + INDEX_CHUNK])
    indexed = time.monotonic() - started - generated - inserted
    # A settled table: compact (the index refresh rewrote every row just inserted, which
    # a catalogue written over time does not leave behind), visibility map and statistics.
    with connection.cursor() as cursor:
        for model in (Workout, through, WorkoutVideo):
            cursor.execute(f"VACUUM (FULL, ANALYZE) {model._meta.db_table}")
    return {
        "generate_seconds": round(generated, 2),
        "insert_seconds": round(inserted, 2),
        "index_refresh_seconds": round(indexed, 2),
    }


def _user(*, fresh: bool) -> dict[str, Any]:
    """The bench user (not staff, no premium), with 25 favourites and one bought workout
    (made again when the catalogue was just loaded: its workouts are new)."""
    from accounts.models import User
    from accounts.services import token_pair_issue
    from billing.models import Entitlement
    from profiles.models import Favorite
    from workouts.models import Workout

    user, _ = User.objects.get_or_create(email=USER_EMAIL, defaults={"name": "Bench"})
    if user.is_staff or not user.is_active:
        user.is_staff, user.is_active = False, True
        user.save(update_fields=["is_staff", "is_active"])
    if fresh:
        Favorite.objects.filter(user=user).delete()
        Entitlement.objects.filter(user=user).delete()
    if not Favorite.objects.filter(user=user).exists():
        picks = Workout.objects.filter(slug__startswith=SLUG_PREFIX).order_by("-publish_at")
        Favorite.objects.bulk_create(
            [
                Favorite(user=user, kind="workout", object_id=pk)
                for pk in picks.values_list("pk", flat=True)[:200:8]
            ]
        )
    if not Entitlement.objects.filter(user=user).exists():
        bought = (
            Workout.objects.filter(slug__startswith=SLUG_PREFIX, is_purchasable=True)
            .order_by("-publish_at")
            .first()
        )
        Entitlement.objects.create(user=user, kind=Entitlement.Kind.WORKOUT, workout=bought)
    return {"email": USER_EMAIL, "access": token_pair_issue(user=user).access}


def catalogue_ensure() -> dict[str, Any]:
    """The catalogue (loaded unless already complete) and the bench user's access token."""
    started = time.monotonic()
    state = _catalogue_state()
    loaded = None
    if not state["complete"]:
        loaded = _load(random.Random(SEED))
        state = _catalogue_state()
    from workouts.models import Category

    return {
        **state,
        "categories": Category.objects.count(),
        "loaded": loaded is not None,
        **(loaded or {}),
        **_user(fresh=loaded is not None),
        "seconds": round(time.monotonic() - started, 2),
    }
