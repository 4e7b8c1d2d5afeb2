"""Reads of the nutrition app. Other apps (and the planner adapter) read nutrition through here.

Food search is the hot path (``food_search_page``): one hand-written statement answers a page
of ranked hits with their portions and a capped count, whatever the table's size (a second
one, the typo search, only when no food has every word of the query):

* **Candidates, capped.** Full-text matches (english stemming, every word, any order, the
  last word as a prefix so "chick brea" works while typing) from the public (USDA) table and,
  separately, from the caller's own custom foods, at most ``CANDIDATES_MAX`` from each. Only
  when neither has a match, names that are plausible typos of the query (pg_trgm word
  similarity: "brocoli" finds "Broccoli"), under the same cap. The public branches read
  partial GIN indexes (full text, trigram); the caller's own branch reads the caller's rows
  (by owner), so other users' custom foods cost nothing, and no query ranks every trigram
  match of a million rows.
* **Ranking** a person finds natural, on the capped candidates only: how close the food's
  head (the name before its first comma: "Chicken breast" of "Chicken breast, baked, ...") is
  to the query, then how close the whole name is (fewer extra words first), so "chicken
  breast" puts plain chicken breast before sandwiches and breaded tenders.
* **Count**: the number of candidates (exact up to the cap; ``count_capped`` says when the
  cap was hit), never a ``COUNT(*)`` over every match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from nutrition.choices import FoodSource
from nutrition.models import (
    NUTRIENT_FIELDS,
    Food,
    Meal,
    MealItem,
    MealPlan,
    MealPlanTemplate,
    PlanEngine,
    PlanStatus,
    Portion,
    Recipe,
    RecipeIngredient,
)

CANDIDATES_MAX = 1000  # per branch (public table, the caller's own foods)
SEARCH_CONFIG = "english"

_FOOD_COLUMNS = (
    "id",
    "source",
    "fdc_id",
    "owner_id",
    "name",
    "category",
    *NUTRIENT_FIELDS,
    "allergens",
    "diet_flags",
)


@dataclass(frozen=True)
class FoodPage:
    rows: list[dict[str, Any]]  # _FOOD_COLUMNS + "portions" (+ "score" for a search)
    count: int
    count_capped: bool


def search_words(q: str) -> list[str]:
    """The words of a query, lower-cased (letters and digits; everything else separates)."""
    return re.findall(r"[^\W_]+", q.lower())


def _tsquery(words: list[str]) -> str:
    """``to_tsquery`` text: every word (AND), the last one a prefix. Words are letters and
    digits only, so nothing in them is tsquery syntax."""
    return " & ".join([*words[:-1], f"{words[-1]}:*"]) if words else ""


_PORTIONS_SQL = """
    COALESCE((
        SELECT json_agg(json_build_object('label', p.label, 'grams', p.grams) ORDER BY p.seq)
        FROM nutrition_portion p WHERE p.food_id = f.id AND p.is_serving
    ), '[]'::json) AS portions
"""


def _select_list(prefix: str = "f.") -> str:
    return ", ".join(f"{prefix}{c}" for c in _FOOD_COLUMNS)


# Typos: each word of the query (its first MAX_WORDS) must be close to a word of the name
# (pg_trgm's ``%>``: word similarity at or above TYPO_THRESHOLD, set for the search's
# transaction: "brocoli" -> "Broccoli", "chiken brest" -> "Chicken breast"), which the
# trigram indexes answer.
MAX_WORDS = 6
TYPO_THRESHOLD = 0.4
# Ranking: plain forms first. A name with one of these words (not in the query) is a prepared
# dish or a variant, one with one of the others is the food itself.
DISH_WORDS = (
    "with",
    "sandwich",
    "sandwiches",
    "fried",
    "breaded",
    "battered",
    "creamed",
    "deviled",
    "benedict",
    "pie",
    "casserole",
    "soup",
    "salad",
    "pizza",
    "burrito",
    "taco",
    "sauce",
    "gravy",
    "tenders",
    "nuggets",
    "patty",
    "baby",
    "frozen",
    "canned",
    "dried",
    "dehydrated",
    "mix",
    "flavored",
    "restaurant",
    "fast",
    "dish",
    "sweetened",
    "imitation",
    "substitute",
    "coated",
    "sliced",
    "stuffed",
    "glazed",
    "smoked",
    "cured",
)
PLAIN_WORDS = ("raw", "whole", "plain", "nfs", "fresh", "cooked", "boiled", "baked", "roasted")
DISH_PENALTY = 0.4
PLAIN_BONUS = 0.2


def _fuzzy_sql(words: list[str], params: dict[str, Any]) -> str:
    conditions = []
    for index, word in enumerate(words[:MAX_WORDS]):
        params[f"w{index}"] = word
        conditions.append(f"f.name %%> %(w{index})s")
    return " AND ".join(conditions)


def _adjust_sql(words: list[str]) -> str:
    """The dish penalty and the plain bonus as SQL (constant words only, no parameters),
    read from the stored search vector (a regular expression over the name cost 11 ms for
    400 candidates, the vector 1 ms); "with" is an english stop word, so it is a substring
    test."""
    dish = [w for w in DISH_WORDS if w not in words and w != "with"]
    plain = [w for w in PLAIN_WORDS if w not in words]
    parts = []
    if dish:
        parts.append(
            f" - {DISH_PENALTY} * (c.search_vector @@ to_tsquery('{SEARCH_CONFIG}', "
            f"'{' | '.join(dish)}') OR (strpos(lower(c.name), ' with ') > 0"
            f"{' AND false' if 'with' in words else ''}))::int"
        )
    if plain:
        parts.append(
            f" + {PLAIN_BONUS} * (c.search_vector @@ to_tsquery('{SEARCH_CONFIG}', "
            f"'{' | '.join(plain)}'))::int"
        )
    return "".join(parts)


def _category_sql(category: str | None, params: dict[str, Any]) -> str:
    if not category:
        return ""
    params["category"] = category
    return " AND f.category = %(category)s"


def food_search_page(
    *, user: User, q: str, category: str | None = None, offset: int, limit: int
) -> FoodPage:
    """Ranked foods matching ``q`` (public foods and the user's own), optionally in one
    category: one query when a food has every word; when none has (a typo), a second one over
    the names close to the query's words (see the module docstring)."""
    words = search_words(q)
    if not words:
        return FoodPage(rows=[], count=0, count_capped=False)
    params: dict[str, Any] = {
        "tsq": _tsquery(words),
        "q": " ".join(words),
        "uid": user.pk,
        "cap": CANDIDATES_MAX,
        "limit": limit,
        "offset": offset,
    }
    cat = _category_sql(category, params)
    adjust = _adjust_sql(words)
    with connection.cursor() as cursor:
        fetched = _ranked_page(cursor, params, _fts_sql(cat), adjust)
        if not fetched and offset:
            # Past the end: the page has no row to carry the count.
            count_sql = f"WITH {_fts_sql(cat, columns='f.id')} SELECT COUNT(*) FROM fts"  # noqa: S608
            cursor.execute(count_sql, params)
            total = int(cursor.fetchone()[0])
            if total:
                return FoodPage(rows=[], count=total, count_capped=total >= CANDIDATES_MAX)
        if not fetched:
            fuzzy = _fuzzy_sql(words, params)
            fetched = _ranked_page(cursor, params, _typos_sql(cat, fuzzy), adjust)
            if not fetched and offset:
                count_sql = (
                    f"WITH {_typos_sql(cat, fuzzy, columns='f.id')} SELECT COUNT(*) FROM fts"  # noqa: S608
                )
                cursor.execute(count_sql, params)
                total = int(cursor.fetchone()[0])
                return FoodPage(rows=[], count=total, count_capped=total >= CANDIDATES_MAX)
    total = fetched[0]["total"] if fetched else 0
    for row in fetched:
        row.pop("total")
    return FoodPage(rows=fetched, count=total, count_capped=total >= CANDIDATES_MAX)


def _ranked_page(cursor: Any, params: dict[str, Any], candidates: str, adjust: str) -> list[Any]:
    """A page of ``candidates`` (a CTE named ``fts``), ranked, each row with its portions and
    the candidates' count."""
    sql = f"""
    WITH {candidates},
    ranked AS (
        SELECT c.id,
               c.matched
               + 2 * similarity(split_part(c.name, ',', 1), %(q)s)
               + similarity(c.name, %(q)s){adjust} AS score,
               COUNT(*) OVER () AS total
        FROM fts c
        ORDER BY score DESC, length(c.name), c.name, c.id
        LIMIT %(limit)s OFFSET %(offset)s
    )
    SELECT {_select_list()}, r.score, r.total, {_PORTIONS_SQL}
    FROM ranked r JOIN nutrition_food f ON f.id = r.id
    ORDER BY r.score DESC, length(f.name), f.name, f.id
    """  # noqa: S608 (constants only; every value is a parameter)
    cursor.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


CANDIDATE_COLUMNS = "f.id, f.name, f.search_vector"


def _fts_sql(cat: str, *, columns: str = CANDIDATE_COLUMNS) -> str:
    """The CTE ``fts``: full-text candidates of each branch, capped. The tsquery is written in
    each WHERE so that the GIN index answers it."""
    tsq = f"to_tsquery('{SEARCH_CONFIG}', %(tsq)s)"
    return f"""
    fts AS (
        (SELECT {columns}, 1 AS matched FROM nutrition_food f
         WHERE f.owner_id IS NULL AND f.search_vector @@ {tsq}{cat} LIMIT %(cap)s)
        UNION ALL
        (SELECT {columns}, 1 FROM nutrition_food f
         WHERE f.owner_id = %(uid)s AND f.search_vector @@ {tsq}{cat} LIMIT %(cap)s)
    )"""  # noqa: S608 (constants only)


def _typos_sql(cat: str, fuzzy: str, *, columns: str = CANDIDATE_COLUMNS) -> str:
    """The CTE ``fts`` of the typo search: names close to every word, capped per branch.

    The threshold is set by the statement itself: ``threshold`` calls ``set_config(...,
    is_local => true)`` (the statement's own transaction, or the request's) and the branches
    depend on it through an uncorrelated ``EXISTS``, which PostgreSQL evaluates once as an
    init plan before their scans start. (A test searches for a typo that only the lower
    threshold finds, so a change of that order would fail it.)"""
    return f"""
    threshold AS MATERIALIZED (
        SELECT set_config('pg_trgm.word_similarity_threshold', '{TYPO_THRESHOLD}', true) AS value
    ),
    fts AS (
        (SELECT {columns}, 0 AS matched FROM nutrition_food f
         WHERE f.owner_id IS NULL AND {fuzzy}{cat}
           AND EXISTS (SELECT 1 FROM threshold) LIMIT %(cap)s)
        UNION ALL
        (SELECT {columns}, 0 FROM nutrition_food f
         WHERE f.owner_id = %(uid)s AND {fuzzy}{cat}
           AND EXISTS (SELECT 1 FROM threshold) LIMIT %(cap)s)
    )"""  # noqa: S608 (constants only)


def food_browse_page(
    *, user: User, category: str | None = None, offset: int, limit: int
) -> FoodPage:
    """Foods by name (public and the user's own), optionally in one category, without a
    query: each side reads its (owner, name) or (category, name) index in order and stops at
    the page's end; the count is capped at ``CANDIDATES_MAX`` like a search's."""
    params: dict[str, Any] = {
        "uid": user.pk,
        "cap": CANDIDATES_MAX,
        "end": offset + limit,
        "limit": limit,
        "offset": offset,
    }
    cat = _category_sql(category, params)
    columns = _select_list()
    sql = f"""
    WITH page AS (
        (SELECT f.id, f.name FROM nutrition_food f WHERE f.owner_id IS NULL{cat}
         ORDER BY f.name, f.id LIMIT %(end)s)
        UNION ALL
        (SELECT f.id, f.name FROM nutrition_food f WHERE f.owner_id = %(uid)s{cat}
         ORDER BY f.name, f.id LIMIT %(end)s)
        ORDER BY name, id LIMIT %(limit)s OFFSET %(offset)s
    ),
    counted AS (
        SELECT COUNT(*) AS total FROM (
            (SELECT 1 FROM nutrition_food f WHERE f.owner_id IS NULL{cat} LIMIT %(cap)s)
            UNION ALL
            (SELECT 1 FROM nutrition_food f WHERE f.owner_id = %(uid)s{cat} LIMIT %(cap)s)
        ) AS capped
    )
    SELECT {columns}, (SELECT total FROM counted) AS total, {_PORTIONS_SQL}
    FROM page JOIN nutrition_food f ON f.id = page.id
    ORDER BY f.name, f.id
    """  # noqa: S608 (constants only; every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        fetched = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        if fetched:
            total = fetched[0]["total"]
        else:
            cursor.execute(
                f"""SELECT COUNT(*) FROM (
                    (SELECT 1 FROM nutrition_food f WHERE f.owner_id IS NULL{cat}
                     LIMIT %(cap)s)
                    UNION ALL
                    (SELECT 1 FROM nutrition_food f WHERE f.owner_id = %(uid)s{cat}
                     LIMIT %(cap)s)) AS capped""",  # noqa: S608
                params,
            )
            total = int(cursor.fetchone()[0])
    for row in fetched:
        row.pop("total")
    return FoodPage(rows=fetched, count=total, count_capped=total >= CANDIDATES_MAX)


def foods_visible_to(*, user: User) -> QuerySet[Food]:
    """Public foods and the user's own custom foods."""
    return Food.objects.filter(Q(owner__isnull=True) | Q(owner=user))


def food_get_for_user(*, user: User, food_id: Any) -> Food | None:
    """A public food or one of the user's own; None for another user's custom food."""
    return (
        foods_visible_to(user=user)
        .prefetch_related(
            Prefetch("portions", queryset=Portion.objects.filter(is_serving=True).order_by("seq"))
        )
        .filter(pk=food_id)
        .first()
    )


def food_ids_visible_to(*, user: User, food_ids: Iterable[Any]) -> set[Any]:
    """Which of ``food_ids`` the user may use (one query)."""
    return set(
        foods_visible_to(user=user).filter(pk__in=list(food_ids)).values_list("pk", flat=True)
    )


def food_categories() -> list[str]:
    """The categories of the public table, alphabetically."""
    return list(
        Food.objects.filter(source=FoodSource.USDA)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def templates_list() -> list[MealPlanTemplate]:
    return list(MealPlanTemplate.objects.order_by("order", "calories_kcal", "slug"))


@dataclass(frozen=True)
class PlannerRecipe:
    """One active recipe as the meal-plan generator reads it (per-serving nutrients)."""

    id: Any
    slug: str
    title: str
    meal_types: tuple[str, ...]
    cuisine: str
    prep_minutes: int
    servings: int
    serving_grams: float
    energy_kcal: float
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float
    tags: tuple[str, ...]
    allergens: tuple[str, ...]
    food_ids: tuple[Any, ...]


def recipes_for_planner() -> list[PlannerRecipe]:
    """Every active recipe with its per-serving nutrients, tags, allergens, prep time, meal
    types and the ids of its foods: one query (the food ids aggregated in SQL)."""
    from django.contrib.postgres.aggregates import ArrayAgg

    rows = (
        Recipe.objects.filter(is_active=True)
        .annotate(food_id_list=ArrayAgg("ingredients__food_id", distinct=True, default=[]))
        .order_by("slug")
        .values(
            "id",
            "slug",
            "title",
            "meal_types",
            "cuisine",
            "prep_minutes",
            "servings",
            "serving_grams",
            "energy_kcal",
            "protein_g",
            "carbs_g",
            "fat_g",
            "fiber_g",
            "tags",
            "allergens",
            "food_id_list",
        )
    )
    return [
        PlannerRecipe(
            id=row["id"],
            slug=row["slug"],
            title=row["title"],
            meal_types=tuple(row["meal_types"]),
            cuisine=row["cuisine"],
            prep_minutes=row["prep_minutes"],
            servings=row["servings"],
            serving_grams=row["serving_grams"],
            energy_kcal=row["energy_kcal"],
            protein_g=row["protein_g"],
            carbs_g=row["carbs_g"],
            fat_g=row["fat_g"],
            fiber_g=row["fiber_g"],
            tags=tuple(row["tags"]),
            allergens=tuple(row["allergens"]),
            food_ids=tuple(row["food_id_list"]),
        )
        for row in rows
    ]


def recipe_get(*, recipe_id: Any) -> Recipe | None:
    """An active recipe with its ingredients and their foods (two queries)."""
    return (
        Recipe.objects.filter(is_active=True, pk=recipe_id)
        .prefetch_related("ingredients__food")
        .first()
    )


# --- Meal plans -----------------------------------------------------------------------------

MACROS = ("kcal", "protein_g", "carbs_g", "fat_g")


@dataclass(frozen=True)
class EngineAvailability:
    engine: str
    available: bool
    reason: str | None  # why not, when unavailable
    completes: str  # "at_once" (201) or "polled" (202, poll the plan)
    default: bool


def meal_plan_engines() -> list[EngineAvailability]:
    """The generator's engines and whether each can be asked now (OpenAI needs a key)."""
    from nutrition.planner import openai_engine_available

    openai = openai_engine_available()
    return [
        EngineAvailability(
            engine=PlanEngine.OPTIMISER,
            available=True,
            reason=None,
            completes="at_once",
            default=True,
        ),
        EngineAvailability(
            engine=PlanEngine.OPENAI,
            available=openai,
            reason=None if openai else "No OpenAI key is configured on this server.",
            completes="polled",
            default=False,
        ),
    ]


def meal_plans_for_user(*, user: User) -> QuerySet[MealPlan]:
    """The user's plans, newest first."""
    return MealPlan.objects.filter(user=user).order_by("-created_at", "id")


def meal_plan_get_for_user(*, user: User, plan_id: Any) -> MealPlan | None:
    """The user's own plan; None for anyone else's (the API answers 404)."""
    return MealPlan.objects.filter(user=user, pk=plan_id).first()


PENDING_STALE = timedelta(minutes=10)


def meal_plans_stale_pending(*, now: Any = None) -> list[Any]:
    """Ids of plans pending for longer than ``PENDING_STALE`` (the sweep queues them again)."""
    cutoff = (now or timezone.now()) - PENDING_STALE
    return list(
        MealPlan.objects.filter(status=PlanStatus.PENDING, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )


def meal_get_for_plan(*, plan: MealPlan, meal_id: Any) -> Meal | None:
    return Meal.objects.filter(plan=plan, pk=meal_id).first()


def _zero() -> dict[str, float]:
    return dict.fromkeys(MACROS, 0.0)


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 1) for k, v in values.items()}


def meal_plan_detail(*, plan: MealPlan) -> dict[str, Any]:
    """The plan with its days and meals, each meal's foods (grams and nutrients) and totals,
    each day's totals, targets and how far it landed from them ((total - target) / target).
    Two queries whatever the plan's size."""
    meals = list(Meal.objects.filter(plan=plan).order_by("day", "slot"))
    items_by_meal: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        MealItem.objects.filter(meal__plan=plan)
        .order_by("meal_id", "position")
        .values(
            "meal_id",
            "food_id",
            "grams",
            "food__name",
            "food__energy_kcal",
            "food__protein_g",
            "food__carbs_g",
            "food__fat_g",
        )
    ):
        factor = row["grams"] / 100
        items_by_meal[row["meal_id"]].append(
            {
                "food_id": row["food_id"],
                "name": row["food__name"],
                "grams": row["grams"],
                "kcal": round(row["food__energy_kcal"] * factor, 1),
                "protein_g": round(row["food__protein_g"] * factor, 1),
                "carbs_g": round(row["food__carbs_g"] * factor, 1),
                "fat_g": round(row["food__fat_g"] * factor, 1),
            }
        )
    targets = {
        "kcal": float(plan.kcal),
        "protein_g": float(plan.protein_g),
        "carbs_g": float(plan.carbs_g),
        "fat_g": float(plan.fat_g),
    }
    days: dict[int, dict[str, Any]] = {}
    for day in range(1, plan.days + 1):
        days[day] = {
            "day": day,
            "date": plan.start_date + timedelta(days=day - 1),
            "meals": [],
            "totals": _zero(),
            "targets": targets,
        }
    for meal in meals:
        items = items_by_meal.get(meal.pk, [])
        totals = _zero()
        for item in items:
            for name in MACROS:
                totals[name] += item[name]
        entry = days.setdefault(
            meal.day,
            {"day": meal.day, "date": None, "meals": [], "totals": _zero(), "targets": targets},
        )
        for name in MACROS:
            entry["totals"][name] += totals[name]
        entry["meals"].append(
            {
                "id": meal.pk,
                "slot": meal.slot,
                "mealtime": meal.mealtime,
                "recipe_id": meal.recipe_id,
                "name": meal.name,
                "description": meal.description,
                "steps": meal.steps,
                "servings": meal.servings,
                "prep_minutes": meal.prep_minutes,
                "items": items,
                "totals": _rounded(totals),
            }
        )
    for entry in days.values():
        entry["totals"] = _rounded(entry["totals"])
        entry["deviation"] = {
            name: round((entry["totals"][name] - targets[name]) / targets[name], 3)
            if targets[name]
            else 0.0
            for name in MACROS
        }
    return {"plan": plan, "days": [days[d] for d in sorted(days)]}


# FNDDS's default serving ("Quantity not specified") is no unit a shopper can count.
NOT_A_HOUSEHOLD_UNIT = "quantity not specified"


def _household(grams: float, portions: list[tuple[str, float]]) -> dict[str, Any] | None:
    """The portion that says ``grams`` best in household units (0.25 steps, 0.5 to 12 of
    them, the one closest to a whole number of units; the USDA order breaks ties)."""
    best: tuple[float, int, dict[str, Any]] | None = None
    for index, (label, size) in enumerate(portions):
        if label.strip().lower().startswith(NOT_A_HOUSEHOLD_UNIT):
            continue
        count = grams / size
        if not 0.5 <= count <= 12:
            continue
        quarters = round(count * 4) / 4
        miss = abs(count - quarters) / count
        candidate = (miss, index, {"count": quarters, "portion": label, "portion_grams": size})
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return best[2] if best else None


def meal_plan_shopping_list(*, plan: MealPlan) -> list[dict[str, Any]]:
    """Grams per food over the plan's meals, summed, grouped by category (alphabetically,
    foods by name), each in household units where one of its portions fits. Two queries."""
    totals: dict[Any, dict[str, Any]] = {}
    for food_id, name, category, grams in MealItem.objects.filter(meal__plan=plan).values_list(
        "food_id", "food__name", "food__category", "grams"
    ):
        entry = totals.setdefault(
            food_id, {"food_id": food_id, "name": name, "category": category, "grams": 0.0}
        )
        entry["grams"] += grams
    portions: dict[Any, list[tuple[str, float]]] = defaultdict(list)
    for food_id, label, grams in (
        Portion.objects.filter(food_id__in=list(totals), is_serving=True)
        .order_by("food_id", "seq")
        .values_list("food_id", "label", "grams")
    ):
        portions[food_id].append((label, grams))
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for food_id, entry in totals.items():
        grams = round(entry["grams"], 1)
        groups[entry["category"] or "Other"].append(
            {
                "food_id": food_id,
                "name": entry["name"],
                "grams": grams,
                "household": _household(grams, portions[food_id]),
            }
        )
    return [
        {"category": category, "items": sorted(items, key=lambda i: i["name"])}
        for category, items in sorted(groups.items())
    ]


# --- Favourites (profiles asks through these) -----------------------------------------------


def recipe_is_active(*, recipe_id: Any) -> bool:
    return Recipe.objects.filter(pk=recipe_id, is_active=True).exists()


def meal_exists_for_user(*, user: User, meal_id: Any) -> bool:
    """A meal of one of the user's own plans."""
    return Meal.objects.filter(pk=meal_id, plan__user=user).exists()


def recipe_summaries_by_ids(*, ids: Iterable[Any]) -> dict[Any, dict[str, Any]]:
    """Active recipes' list fields by id (one query); inactive or unknown ids are absent."""
    rows = Recipe.objects.filter(pk__in=list(ids), is_active=True).values(
        "id", "title", "meal_types", "cuisine", "prep_minutes", "energy_kcal", "protein_g", "tags"
    )
    return {row["id"]: dict(row) for row in rows}


def meal_summaries_by_ids(*, user: User, ids: Iterable[Any]) -> dict[Any, dict[str, Any]]:
    """The user's meals by id (one query), with their plan; others' meals are absent."""
    rows = Meal.objects.filter(pk__in=list(ids), plan__user=user).values(
        "id", "plan_id", "day", "mealtime", "name", "recipe_id"
    )
    return {row["id"]: dict(row) for row in rows}


# --- Recipes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipeFilters:
    meal_type: str | None = None
    tags: tuple[str, ...] = ()  # all of these
    exclude_allergens: tuple[str, ...] = ()  # none of these
    cuisine: str | None = None
    max_prep_minutes: int | None = None
    q: str | None = None  # in the title, case-insensitive


def recipes_list(*, filters: RecipeFilters) -> QuerySet[Recipe]:
    """Active recipes matching ``filters``, by title."""
    qs = Recipe.objects.filter(is_active=True)
    f = filters
    if f.meal_type:
        qs = qs.filter(meal_types__contains=[f.meal_type])
    if f.tags:
        qs = qs.filter(tags__contains=list(f.tags))
    if f.exclude_allergens:
        qs = qs.exclude(allergens__overlap=list(f.exclude_allergens))
    if f.cuisine:
        qs = qs.filter(cuisine=f.cuisine)
    if f.max_prep_minutes is not None:
        qs = qs.filter(prep_minutes__lte=f.max_prep_minutes)
    if f.q:
        qs = qs.filter(title__icontains=f.q)
    return qs.order_by("title", "id")


def recipe_detail(*, recipe_id: Any) -> dict[str, Any] | None:
    """An active recipe with its ingredients (food, grams, nutrients): two queries."""
    recipe = Recipe.objects.filter(pk=recipe_id, is_active=True).first()
    if recipe is None:
        return None
    ingredients = []
    for row in (
        RecipeIngredient.objects.filter(recipe=recipe)
        .order_by("position")
        .values(
            "food_id",
            "grams",
            "note",
            "food__name",
            "food__energy_kcal",
            "food__protein_g",
            "food__carbs_g",
            "food__fat_g",
        )
    ):
        factor = row["grams"] / 100
        ingredients.append(
            {
                "food_id": row["food_id"],
                "name": row["food__name"],
                "grams": row["grams"],
                "note": row["note"],
                "kcal": round(row["food__energy_kcal"] * factor, 1),
                "protein_g": round(row["food__protein_g"] * factor, 1),
                "carbs_g": round(row["food__carbs_g"] * factor, 1),
                "fat_g": round(row["food__fat_g"] * factor, 1),
            }
        )
    return {"recipe": recipe, "ingredients": ingredients}
