"""Reads of the workouts app. Other apps (profiles, billing) read workouts through here only.

The catalogue list is the hot path: ``workout_list_page`` answers a page of plain dicts and
its exact total from one hand-written statement (the rows and order of the ORM's
``workout_list_rows``, no model instances, no per-row queries), so a page costs the same few
queries whatever its size.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils import timezone

from workouts.choices import Ordering, Status
from workouts.models import (
    Category,
    UserWorkoutProgress,
    Workout,
    WorkoutRating,
    WorkoutSession,
    WorkoutVideo,
)

SEARCH_CONFIG = "english"
# Below this trigram word similarity a title is not a plausible typo of the query.
TRIGRAM_THRESHOLD = 0.3

LIST_FIELDS = (
    "id",
    "title",
    "thumbnail",
    "estimated_duration_seconds",
    "difficulty",
    "goal",
    "is_premium",
    "is_purchasable",
    "rating_average",
    "rating_count",
)

ORDERINGS: dict[str, tuple[Any, ...]] = {
    Ordering.NEWEST: ("-publish_at", "id"),
    Ordering.POPULAR: ("-completions_count", "-publish_at", "id"),
    Ordering.RATING: ("-rating_average", "-rating_count", "-publish_at", "id"),
    Ordering.SHORTEST: ("estimated_duration_seconds", "-publish_at", "id"),
}


@dataclass(frozen=True)
class WorkoutFilters:
    category: str | None = None  # a slug; a parent includes its children
    difficulty: str | None = None
    goal: str | None = None
    equipment: tuple[str, ...] = ()  # any of these
    duration_min_seconds: int | None = None
    duration_max_seconds: int | None = None
    is_premium: bool | None = None
    is_featured: bool | None = None


def workouts_queryset_by_ids(*, ids: Iterable[Any]) -> QuerySet[Workout]:
    return Workout.objects.filter(pk__in=list(ids))


def _in_category(slug: str) -> Q:
    """In the category of this slug, or (for a parent) in any of its children: the row's
    ``category_ids`` (categories and their parents) holds the slug's category id."""
    return Q(category_ids__overlap=ArraySubquery(Category.objects.filter(slug=slug).values("pk")))


def workouts_published(*, filters: WorkoutFilters | None = None) -> QuerySet[Workout]:
    """Published workouts matching ``filters`` (unordered)."""
    qs = Workout.objects.published()
    f = filters or WorkoutFilters()
    if f.category:
        qs = qs.filter(_in_category(f.category))
    if f.difficulty:
        qs = qs.filter(difficulty=f.difficulty)
    if f.goal:
        qs = qs.filter(goal=f.goal)
    if f.equipment:
        qs = qs.filter(equipment__overlap=list(f.equipment))
    if f.duration_min_seconds is not None:
        qs = qs.filter(estimated_duration_seconds__gte=f.duration_min_seconds)
    if f.duration_max_seconds is not None:
        qs = qs.filter(estimated_duration_seconds__lte=f.duration_max_seconds)
    if f.is_premium is not None:
        qs = qs.filter(is_premium=f.is_premium)
    if f.is_featured is not None:
        qs = qs.filter(is_featured=f.is_featured)
    return qs


def workout_list_rows(
    *, filters: WorkoutFilters | None = None, ordering: str = Ordering.NEWEST
) -> QuerySet[Any]:
    """The list screen's rows as dicts (``LIST_FIELDS``), ordered; paginate it."""
    return workouts_published(filters=filters).order_by(*ORDERINGS[ordering]).values(*LIST_FIELDS)


# The list page in hand-written SQL: the same rows, filters and order as ``workout_list_rows``
# (the tests run both), without compiling an ORM query (two, with the count) per request.
_ORDER_SQL: dict[str, str] = {
    Ordering.NEWEST: "publish_at DESC, id",
    Ordering.POPULAR: "completions_count DESC, publish_at DESC, id",
    Ordering.RATING: "rating_average DESC, rating_count DESC, publish_at DESC, id",
    Ordering.SHORTEST: "estimated_duration_seconds, publish_at DESC, id",
}


def _list_where(filters: WorkoutFilters) -> tuple[str, list[Any]]:
    """``workouts_published(filters=...)`` as a WHERE clause and its parameters."""
    f = filters
    conditions = ["status IN (%s, %s)", "publish_at <= %s"]
    params: list[Any] = [Status.PUBLISHED, Status.SCHEDULED, timezone.now()]
    if f.category:
        conditions.append("category_ids && ARRAY(SELECT id FROM workouts_category WHERE slug = %s)")
        params.append(f.category)
    for column, value in (
        ("difficulty", f.difficulty),
        ("goal", f.goal),
        ("is_premium", f.is_premium),
        ("is_featured", f.is_featured),
    ):
        if value is not None and value != "":
            conditions.append(f"{column} = %s")
            params.append(value)
    if f.equipment:
        conditions.append("equipment && %s::varchar(24)[]")
        params.append(list(f.equipment))
    if f.duration_min_seconds is not None:
        conditions.append("estimated_duration_seconds >= %s")
        params.append(f.duration_min_seconds)
    if f.duration_max_seconds is not None:
        conditions.append("estimated_duration_seconds <= %s")
        params.append(f.duration_max_seconds)
    return " AND ".join(conditions), params


CATALOGUE_VERSION_KEY = "workouts:catalogue-version"


def catalogue_version() -> str:
    """The current catalogue version: cached list pages are filed under it, and any write to
    the catalogue (``workouts.services.catalogue_changed``) starts a new one."""
    version = cache.get(CATALOGUE_VERSION_KEY)
    if version is None:
        cache.add(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CATALOGUE_VERSION_KEY) or "uncached"
    return str(version)


def workout_list_page(
    *,
    filters: WorkoutFilters | None = None,
    ordering: str = Ordering.NEWEST,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the catalogue and its total: the same for every caller, so it is kept in the
    cache for WORKOUTS_LIST_CACHE_SECONDS under the catalogue version (a catalogue write shows
    at once; a scheduled workout's publish time passing shows within that time)."""
    seconds = settings.WORKOUTS_LIST_CACHE_SECONDS
    if not seconds:
        return _workout_list_page(filters=filters, ordering=ordering, offset=offset, limit=limit)
    digest = hashlib.sha256(repr((filters, ordering, offset, limit)).encode()).hexdigest()[:32]
    key = f"workouts:list:{catalogue_version()}:{digest}"
    page: tuple[list[dict[str, Any]], int] | None = cache.get(key)
    if page is None:
        page = _workout_list_page(filters=filters, ordering=ordering, offset=offset, limit=limit)
        cache.set(key, page, seconds)
    return page


def _workout_list_page(
    *,
    filters: WorkoutFilters | None,
    ordering: str,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """A page of ``workout_list_rows`` and the exact total, in one statement, as
    ``rows_page`` reads them (the total a scalar subquery beside the page)."""
    where, params = _list_where(filters or WorkoutFilters())
    # Only constants go into the text; every value is a parameter.
    sql = (
        f"SELECT {', '.join(LIST_FIELDS)}, (SELECT COUNT(*) FROM workouts_workout "  # noqa: S608
        f"WHERE {where}) FROM workouts_workout WHERE {where} "
        f"ORDER BY {_ORDER_SQL[ordering]} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, limit, offset])
        fetched = cursor.fetchall()
        if not fetched:
            if not offset:
                return [], 0
            cursor.execute(f"SELECT COUNT(*) FROM workouts_workout WHERE {where}", params)  # noqa: S608
            return [], cursor.fetchone()[0]
    total = fetched[0][-1]
    return [dict(zip(LIST_FIELDS, row, strict=False)) for row in fetched], total


def rows_page(*, rows: QuerySet[Any], offset: int, limit: int) -> tuple[list[Any], int]:
    """A page of an ordered ``values()`` queryset and the exact total, in one query: the total
    rides on each row as a scalar subquery over the same matches (``SELECT COUNT(*)``, run
    once), so each part takes its own cheapest path: the page can read an index in its
    order and stop at its last row (the newest-first index), and the count can be an
    index-only scan (no filter) or a bitmap over the filters' index, never building every
    match's full row as a window count (``COUNT(*) OVER ()``) would. A page past the end has
    no row to carry the total and counts separately."""
    matches_sql, matches_params = rows.order_by().values("pk").query.sql_with_params()
    total_count = RawSQL(  # noqa: S611 (the ORM's own compiled SQL and its parameters)
        f"SELECT COUNT(*) FROM ({matches_sql}) AS matches",  # noqa: S608
        matches_params,
        output_field=IntegerField(),
    )
    page = list(rows.annotate(total_count=total_count)[offset : offset + limit])
    total = page[0]["total_count"] if page else (rows.count() if offset else 0)
    return page, total


def workout_search_rows(*, q: str) -> QuerySet[Any]:
    """Full-text search over the weighted vector (title > categories, trainer > description)
    with ``websearch_to_tsquery`` syntax; when nothing matches, titles that are plausible typos
    of the query (trigram word similarity). Ranked, best first; each row has ``rank`` and a
    highlighted ``excerpt``."""
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    published = Workout.objects.published()
    headline = SearchHeadline(
        Concat("title", Value(". "), "description", output_field=TextField()),
        query,
        config=SEARCH_CONFIG,
        start_sel="<mark>",
        stop_sel="</mark>",
        max_words=30,
        min_words=10,
        max_fragments=1,
    )
    fields = (*LIST_FIELDS, "rank", "excerpt")
    full_text = published.filter(search_vector=query)
    if full_text.exists():
        return (
            full_text.annotate(rank=SearchRank(F("search_vector"), query), excerpt=headline)
            .order_by("-rank", "-rating_average", "id")
            .values(*fields)
        )
    # ``title %> q`` is what the title's trigram index answers: at the threshold set for this
    # transaction it keeps the same rows as ``rank >= TRIGRAM_THRESHOLD`` without computing
    # the similarity of every title (outside a transaction pg_trgm's default, 0.6, applies:
    # fewer, closer matches).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(TRIGRAM_THRESHOLD)],
        )
    return (
        published.filter(title__trigram_word_similar=q)
        .annotate(rank=TrigramWordSimilarity(q, "title"))
        .filter(rank__gte=TRIGRAM_THRESHOLD)
        .annotate(excerpt=headline)
        .order_by("-rank", "-rating_average", "id")
        .values(*fields)
    )


def workout_search_page(*, q: str, offset: int, limit: int) -> tuple[list[Any], int]:
    """A page of ``workout_search_rows`` and the total, in one transaction (which carries the
    typo fallback's trigram threshold)."""
    with transaction.atomic():
        return rows_page(rows=workout_search_rows(q=q), offset=offset, limit=limit)


def workout_get_published(*, workout_id: Any, details: bool = False) -> Workout | None:
    """A published workout, or None; with ``details``, its trainer and categories loaded."""
    qs = Workout.objects.published().defer("search_vector")
    if details:
        qs = qs.select_related("trainer").prefetch_related("categories")
    return qs.filter(pk=workout_id).first()


def workout_videos(*, workout: Workout) -> list[WorkoutVideo]:
    """The workout's videos in order, each with its media asset (one query)."""
    return list(
        WorkoutVideo.objects.filter(workout=workout).select_related("asset").order_by("order_index")
    )


def workout_progress_for_user(*, user: Any, workout: Workout) -> UserWorkoutProgress | None:
    return UserWorkoutProgress.objects.filter(user=user, workout=workout).first()


def workout_rating_for_user(*, user: Any, workout: Workout) -> WorkoutRating | None:
    return WorkoutRating.objects.filter(user=user, workout=workout).first()


@dataclass
class CategoryNode:
    slug: str
    name: str
    workout_count: int
    children: list[CategoryNode] = field(default_factory=list)


def category_tree() -> list[CategoryNode]:
    """Top-level categories with their children, each with its number of published workouts
    (a parent counts each workout in it or in any child once). Two queries."""
    categories = list(Category.objects.order_by("order", "name"))
    pairs = Workout.categories.through.objects.filter(
        workout__in=Workout.objects.published().values("pk")
    ).values_list("category_id", "workout_id")
    members: dict[int, set[Any]] = defaultdict(set)
    parent_of = {c.pk: c.parent_id for c in categories}
    for category_id, workout_id in pairs:
        members[category_id].add(workout_id)
        parent = parent_of.get(category_id)
        if parent is not None:
            members[parent].add(workout_id)
    nodes = {c.pk: CategoryNode(c.slug, c.name, len(members[c.pk])) for c in categories}
    roots = []
    for c in categories:
        if c.parent_id is None:
            roots.append(nodes[c.pk])
        elif c.parent_id in nodes:
            nodes[c.parent_id].children.append(nodes[c.pk])
    return roots


def workout_summaries_by_ids(*, ids: Iterable[Any]) -> dict[Any, dict[str, Any]]:
    """Published workouts' list fields by id (one query); ids not published are absent."""
    rows = Workout.objects.published().filter(pk__in=list(ids)).values(*LIST_FIELDS)
    return {row["id"]: row for row in rows}


def workout_is_published(*, workout_id: Any) -> bool:
    return Workout.objects.published().filter(pk=workout_id).exists()


@dataclass(frozen=True)
class SessionRow:
    completed_at: datetime
    duration_seconds: int


def workout_sessions_for_user(*, user: Any, since: datetime | None = None) -> list[SessionRow]:
    """The user's completed workouts, oldest first (optionally from ``since`` on)."""
    qs = WorkoutSession.objects.filter(user=user)
    if since is not None:
        qs = qs.filter(completed_at__gte=since)
    return [
        SessionRow(completed_at, duration)
        for completed_at, duration in qs.order_by("completed_at").values_list(
            "completed_at", "duration_seconds"
        )
    ]


# --- Catalogue management (the admin API) ---------------------------------------------------


@dataclass(frozen=True)
class WorkoutAdminFilters:
    status: str | None = None
    q: str | None = None  # in the title, case-insensitive (the trigram index serves it)
    category: str | None = None  # a slug; a parent includes its children
    is_premium: bool | None = None


def workouts_for_admin(*, filters: WorkoutAdminFilters | None = None) -> QuerySet[Workout]:
    """Every workout (drafts and scheduled ones too), newest first, with its trainer and
    categories loaded: a page costs the same queries whatever its size."""
    f = filters or WorkoutAdminFilters()
    qs = (
        Workout.objects.defer("search_vector")
        .select_related("trainer")
        .prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("slug")))
    )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        qs = qs.filter(title__icontains=f.q)
    if f.category:
        qs = qs.filter(_in_category(f.category))
    if f.is_premium is not None:
        qs = qs.filter(is_premium=f.is_premium)
    return qs.order_by("-created_at", "id")


def workout_get_for_admin(*, workout_id: Any) -> Workout | None:
    """A workout whatever its status, or None."""
    return workouts_for_admin().filter(pk=workout_id).first()


def workout_video_get_for_admin(*, video_id: Any) -> WorkoutVideo | None:
    return WorkoutVideo.objects.filter(pk=video_id).select_related("asset").first()
