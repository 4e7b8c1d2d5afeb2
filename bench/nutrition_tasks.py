"""Django-side data for the food search figures (bench/studies/nutrition.py).

Called through ``python -m bench.django_tasks foods-usda`` / ``foods-million`` (after
``django.setup()`` and its bench-database guard), never imported by the bench process itself.

* ``foods-usda``: the USDA table, imported by the app's own ``usda_import`` unless already
  there, and the access token of a user without custom foods (so the figure is the USDA
  table's, whatever other users own).
* ``foods-million``: on top of it, custom foods up to 1,000,000 rows in ``nutrition_food``:
  ``USERS`` bench users own them, the search user among them with ``OWN_FOODS`` of its own (a
  heavy user, so its private branch of the search has real work). Names are USDA names with a
  suffix ("Chicken breast, roasted (home 17)"), so every query matches thousands of rows
  across users, as it would in a real table. Written with one ``INSERT ... SELECT`` over
  ``generate_series`` with the search indexes dropped and rebuilt after (minutes instead of
  hours of per-row GIN updates), then ``VACUUM ANALYZE``. Kept across runs (recognised by its
  count).
"""

from __future__ import annotations

import time
from typing import Any

TOTAL_FOODS = 1_000_000
USERS = 2_000
OWN_FOODS = 5_000
USER_PREFIX = "bench-foods-"
SEARCH_EMAIL = "bench-foods-search@example.com"  # owns OWN_FOODS custom foods
USDA_EMAIL = "bench-foods-usda@example.com"  # owns none: the USDA figure
SEARCH_INDEXES = (
    "nutrition_food_public_fts_idx",
    "nutrition_food_public_trgm_idx",
    "nutrition_food_own_fts_idx",
    "nutrition_food_own_trgm_idx",
    "nutrition_food_owner_name_idx",
    "nutrition_food_category_idx",
)


def _search_user(email: str = SEARCH_EMAIL) -> Any:
    from accounts.models import User

    user, _ = User.objects.get_or_create(email=email, defaults={"name": "Bench foods"})
    return user


def _token(user: Any) -> str:
    from accounts.services import token_pair_issue

    return token_pair_issue(user=user).access


def usda_ensure() -> dict[str, Any]:
    from nutrition.choices import FoodSource
    from nutrition.models import Food
    from nutrition.services import usda_import

    started = time.monotonic()
    imported = None
    if Food.objects.filter(source=FoodSource.USDA).count() < 14_000:
        report = usda_import()
        imported = report.foods_added
    return {
        "usda_foods": Food.objects.filter(source=FoodSource.USDA).count(),
        "total_foods": Food.objects.count(),
        "imported": imported,
        "access": _token(_search_user(USDA_EMAIL)),
        "seconds": round(time.monotonic() - started, 2),
    }


def million_ensure() -> dict[str, Any]:
    from django.db import connection, transaction

    from accounts.models import User
    from nutrition.models import Food

    usda = usda_ensure()
    started = time.monotonic()
    total = Food.objects.count()
    generated = None
    if total < TOTAL_FOODS:
        searcher = _search_user()
        existing = set(
            User.objects.filter(email__startswith=USER_PREFIX).values_list("email", flat=True)
        )
        User.objects.bulk_create(
            [
                User(email=f"{USER_PREFIX}{n:05d}@example.com", name="Bench foods")
                for n in range(USERS)
                if f"{USER_PREFIX}{n:05d}@example.com" not in existing
            ],
            batch_size=1_000,
        )
        owners = list(
            User.objects.filter(email__startswith=USER_PREFIX)
            .exclude(pk=searcher.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'nutrition_food' "
                "AND indexname = ANY(%s)",
                [list(SEARCH_INDEXES)],
            )
            definitions = cursor.fetchall()
        missing = TOTAL_FOODS - total
        own = min(OWN_FOODS, missing)
        columns = (
            "source, dataset, fdc_id, name, category, energy_kcal, protein_g, carbs_g, fat_g, "
            "fiber_g, sugar_g, sat_fat_g, sodium_mg, allergens, diet_flags"
        )
        values = (
            "'custom', '', NULL, left(u.name || ' (home ' || g.n || ')', 200), u.category, "
            "u.energy_kcal, u.protein_g, u.carbs_g, u.fat_g, u.fiber_g, u.sugar_g, "
            "u.sat_fat_g, u.sodium_mg, u.allergens, u.diet_flags"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            for name, _ in definitions:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(
                "CREATE TEMP TABLE bench_usda ON COMMIT DROP AS SELECT row_number() OVER "
                "(ORDER BY fdc_id) - 1 AS rn, * FROM nutrition_food WHERE owner_id IS NULL"
            )
            cursor.execute("SELECT COUNT(*) FROM bench_usda")
            usda_count = cursor.fetchone()[0]
            cursor.execute(
                "CREATE TEMP TABLE bench_owners ON COMMIT DROP AS SELECT "
                "ordinality - 1 AS rn, id FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(id)",
                [owners],
            )
            insert = (
                f"INSERT INTO nutrition_food (id, owner_id, created_at, updated_at, {columns}) "
                f"SELECT gen_random_uuid(), {{owner}}, now(), now(), {values} "
                "FROM generate_series(%s, %s) AS g(n) "
                "JOIN bench_usda u ON u.rn = g.n %% %s {join}"
            )
            cursor.execute(
                insert.format(owner="%s", join=""), [searcher.pk, 0, own - 1, usda_count]
            )
            cursor.execute(
                insert.format(
                    owner="o.id", join=f"JOIN bench_owners o ON o.rn = g.n %% {len(owners)}"
                ),
                [own, missing - 1, usda_count],
            )
            # Django's foreign keys are deferred: check them now, or PostgreSQL refuses to
            # build an index on a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _, definition in definitions:
                cursor.execute(definition)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE nutrition_food")
        generated = missing
    user = _search_user()
    return {
        **usda,
        "access": _token(user),
        "total_foods": Food.objects.count(),
        "own_foods": Food.objects.filter(owner=user).count(),
        "owners": Food.objects.filter(owner__isnull=False).values("owner").distinct().count(),
        "generated": generated,
        "generate_seconds": round(time.monotonic() - started, 2),
    }
