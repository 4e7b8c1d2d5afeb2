"""Workout catalogue endpoints for signed-in users (thin views: parse, call, render)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from billing.entitlements import (
    WorkoutRef,
    user_entitlements,
    video_access,
    workout_access,
    workouts_playable_rows,
)
from core.openapi import BulkErrorResponse400Serializer, error_envelope_serializer
from core.pagination import CatalogPagination
from media.selectors import asset_playback, asset_thumbnail_url
from profiles.selectors import favorite_object_ids_for_user
from workouts import error_codes, selectors, services
from workouts.choices import VideoAccess
from workouts.models import Workout

from .serializers import (
    PageQuerySerializer,
    WorkoutCategoryTreeOutputSerializer,
    WorkoutDetailOutputSerializer,
    WorkoutListPageOutputSerializer,
    WorkoutListQuerySerializer,
    WorkoutProgressInputSerializer,
    WorkoutProgressOutputSerializer,
    WorkoutRateInputSerializer,
    WorkoutRateOutputSerializer,
    WorkoutSearchPageOutputSerializer,
    WorkoutSearchQuerySerializer,
    WorkoutVideoOutputSerializer,
)

TAGS = ["workouts"]
ErrorResponse403WorkoutProgressSerializer = error_envelope_serializer(
    status_code=403,
    codes=error_codes.ErrorCode403WorkoutProgressEnum,
    suffix="WorkoutProgress",
    doc="The envelope of a 403: the caller may not play this video (see its `reason`).",
)
FAVORITE_KIND = "workout"
PLAYBACK_NOTE = (
    "`playback` of a video the caller may play and whose file is transcoded (`media_status` "
    "ready) is a short-lived signed URL of its HLS master playlist (`expires_at`; ask again "
    "for a fresh one: the same URL is handed out for a while, so players and caches keep "
    "it). A locked video, or one still processing, answers `playback: null`. An expired or "
    "altered URL is refused (403) by the server that serves the bytes. `thumbnail` is a "
    "signed URL of the video's own thumbnail once transcoded (it never opens the video)."
)

_EXAMPLE_ITEM = {
    "id": "6f1c2b8e-3d1a-4a4e-9a57-2f3c1d0e9b11",
    "title": "Morning Yoga Flow",
    "thumbnail": "https://cdn.fitcore.example/thumbs/morning-yoga-flow.jpg",
    "duration_seconds": 1200,
    "difficulty": "beginner",
    "goal": "mobility",
    "is_premium": False,
    "rating_average": 4.6,
    "rating_count": 128,
    "is_favorite": True,
    "can_play": True,
}
_EXAMPLE_VIDEO = {
    "id": "0b7e2a44-1c55-4f0e-8f3a-5d2b9c6e7a01",
    "order_index": 1,
    "title": "Warm-up",
    "duration_seconds": 300,
    "thumbnail": "https://api.fitcore.example/api/media/thumbnails/"
    "0b7e2a441c554f0e8f3a5d2b9c6e7a01.1795694400.9kQyP0mYx2l6V1d0H0kqZb3sWfU.jpg",
    "access": "free",
    "is_preview": True,
    "locked": False,
    "reason": "preview",
    "media_status": "ready",
    "playback": {
        "format": "hls",
        "url": "https://api.fitcore.example/api/media/play/"
        "0b7e2a441c554f0e8f3a5d2b9c6e7a01.1795694400.Jx0Qm1H2rS8cYqv7m0pX1bqJ4sE/run-1/master.m3u8",
        "expires_at": "2026-11-26T12:00:00Z",
        "duration_seconds": 300.04,
        "renditions": [
            {"name": "720p", "width": 1280, "height": 720},
            {"name": "480p", "width": 854, "height": 480},
            {"name": "360p", "width": 640, "height": 360},
        ],
    },
}


def _user(request: Request) -> User:
    return cast(User, request.user)


def _list_items(*, user: User, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of rows as the API shows them, with the caller's ``is_favorite`` and
    ``can_play`` (two queries at most, whatever the page size).

    The hot path: the dicts are built here and rendered as they are (the output serializers
    document the shape and the tests check every response against the schema), since running
    a DRF serializer over each row costs more than the queries.
    """
    ids = [row["id"] for row in rows]
    favorites = favorite_object_ids_for_user(user=user, kind=FAVORITE_KIND, object_ids=ids)
    playable = workouts_playable_rows(
        user=user,
        workouts=[WorkoutRef(row["id"], row["is_premium"], row["is_purchasable"]) for row in rows],
    )
    items = []
    for row in rows:
        item = {
            "id": row["id"],
            "title": row["title"],
            "thumbnail": row["thumbnail"],
            "duration_seconds": row["estimated_duration_seconds"],
            "difficulty": row["difficulty"],
            "goal": row["goal"],
            "is_premium": row["is_premium"],
            "rating_average": float(row["rating_average"]),
            "rating_count": row["rating_count"],
            "is_favorite": row["id"] in favorites,
            "can_play": row["id"] in playable,
        }
        if "rank" in row:
            item["rank"] = float(row["rank"])
            item["excerpt"] = row["excerpt"]
        items.append(item)
    return items


def _page(
    request: Request, view: APIView, fetch: Callable[[int, int], tuple[list[Any], int]]
) -> Response:
    """CatalogPagination's limit/offset with ``count``: ``fetch(offset, limit)`` answers the
    page and its total in one query."""
    paginator = CatalogPagination()
    paginator.request = request
    paginator.limit = paginator.get_limit(request)
    paginator.offset = paginator.get_offset(request)
    page, paginator.count = fetch(paginator.offset, paginator.limit)
    return paginator.get_paginated_response(_list_items(user=_user(request), rows=page))


def _published_or_404(workout_id: Any, *, details: bool = False) -> Workout:
    workout = selectors.workout_get_published(workout_id=workout_id, details=details)
    if workout is None:
        raise NotFound("No such workout.")
    return workout


def _media_status(asset: Any) -> str:
    if asset is None:
        return "none"
    return {"ready": "ready", "failed": "unavailable"}.get(asset.status, "processing")


def _video_rows(*, request: Request, user: User, workout: Workout) -> list[dict[str, Any]]:
    videos = selectors.workout_videos(workout=workout)
    base_url = request.build_absolute_uri("/")
    premium_content = workout.is_premium or any(v.access == VideoAccess.PREMIUM for v in videos)
    # One query for the whole list (none for staff or free content).
    held = user_entitlements(user=user) if premium_content and not user.is_staff else None
    rows = []
    for video in videos:
        access = video_access(user=user, video=video, workout=workout, held=held)
        rows.append(
            {
                "id": video.pk,
                "order_index": video.order_index,
                "title": video.title,
                "duration_seconds": video.duration_seconds,
                "thumbnail": video.thumbnail
                or asset_thumbnail_url(asset=video.asset, base_url=base_url)
                or "",
                "access": video.access,
                "is_preview": video.is_preview,
                "locked": not access.allowed,
                "reason": access.reason,
                "media_status": _media_status(video.asset),
                "playback": asset_playback(asset=video.asset, base_url=base_url)
                if access.allowed
                else None,
            }
        )
    return rows


def _progress_body(progress: Any) -> dict[str, Any] | None:
    if progress is None:
        return None
    return {
        "progress_percent": progress.progress_percent,
        "completed_at": progress.completed_at,
        "updated_at": progress.updated_at,
        "videos": [{"video_id": key, **state} for key, state in sorted(progress.videos.items())],
    }


class WorkoutListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="workouts_list",
        summary="Published workouts, filtered and ordered",
        description="Only published workouts (scheduled ones once their time has come). "
        "Filters combine with AND; `category` takes a slug and includes its sub-categories; "
        "`equipment` (repeatable) matches workouts using any of the listed equipment; "
        "`duration_min`/`duration_max` are minutes. `ordering`: newest (default), popular "
        "(most completed), rating (best rated), shortest. An unknown parameter or value "
        "answers 400 naming it. Limit/offset pagination with `count` (limit at most 100).",
        parameters=[WorkoutListQuerySerializer],
        responses={200: WorkoutListPageOutputSerializer, 400: BulkErrorResponse400Serializer},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 42,
                    "next": "https://api.fitcore.example/api/workouts?limit=1&offset=1",
                    "previous": None,
                    "results": [_EXAMPLE_ITEM],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = WorkoutListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = selectors.WorkoutFilters(
            category=params.get("category"),
            difficulty=params.get("difficulty"),
            goal=params.get("goal"),
            equipment=tuple(params.get("equipment", ())),
            duration_min_seconds=(
                params["duration_min"] * 60 if "duration_min" in params else None
            ),
            duration_max_seconds=(
                params["duration_max"] * 60 if "duration_max" in params else None
            ),
            is_premium=params.get("is_premium"),
            is_featured=params.get("is_featured"),
        )
        ordering = params["ordering"]
        return _page(
            request,
            self,
            lambda offset, limit: selectors.workout_list_page(
                filters=filters, ordering=ordering, offset=offset, limit=limit
            ),
        )


class WorkoutFeaturedView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Featured workouts, newest first",
        description="Published workouts marked featured. Limit/offset pagination with `count`.",
        parameters=[PageQuerySerializer],
        responses={200: WorkoutListPageOutputSerializer, 400: BulkErrorResponse400Serializer},
    )
    def get(self, request: Request) -> Response:
        PageQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
        featured = selectors.WorkoutFilters(is_featured=True)
        return _page(
            request,
            self,
            lambda offset, limit: selectors.workout_list_page(
                filters=featured, offset=offset, limit=limit
            ),
        )


class WorkoutSearchView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Search published workouts",
        description='PostgreSQL full text (websearch syntax: words, "a phrase", -word, or) '
        "over title, categories, trainer and description, weighted in that order (a title hit "
        "ranks above a description hit). When nothing matches, titles that look like a typo of "
        'the query are returned instead (trigram similarity: "yoga flw" finds "Yoga '
        'Flow"). Best first; `excerpt` highlights the matching words with <mark>. An empty '
        "or longer than 200 characters `q` answers 400.",
        parameters=[WorkoutSearchQuerySerializer],
        responses={200: WorkoutSearchPageOutputSerializer, 400: BulkErrorResponse400Serializer},
    )
    def get(self, request: Request) -> Response:
        query = WorkoutSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data["q"]
        return _page(
            request,
            self,
            lambda offset, limit: selectors.workout_search_page(q=q, offset=offset, limit=limit),
        )


class WorkoutCategoriesView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The category tree with published workout counts",
        description="Top-level categories in display order, each with its sub-categories "
        "(one level).",
        responses={200: WorkoutCategoryTreeOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        tree = selectors.category_tree()
        return Response(WorkoutCategoryTreeOutputSerializer(tree, many=True).data)


class WorkoutDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="workouts_detail",
        summary="A published workout with its videos, the caller's progress and rating",
        description="Videos in order, each with its lock state and the reason. "
        + PLAYBACK_NOTE
        + " A draft, a workout not yet published, or an unknown id answers 404.",
        responses={200: WorkoutDetailOutputSerializer},
        examples=[
            OpenApiExample(
                "A free workout",
                value={
                    **{k: v for k, v in _EXAMPLE_ITEM.items() if k != "thumbnail"},
                    "thumbnail": _EXAMPLE_ITEM["thumbnail"],
                    "description": "A gentle 20-minute flow to wake up the spine and hips.",
                    "equipment": ["mat"],
                    "categories": [{"slug": "yoga", "name": "Yoga"}],
                    "trainer": {"name": "Maya Patel", "bio": "Yoga teacher (RYT 500)."},
                    "energy_kcal": 90,
                    "is_featured": True,
                    "published_at": "2026-11-01T06:00:00Z",
                    "completions_count": 310,
                    "access_reason": "free",
                    "videos": [_EXAMPLE_VIDEO],
                    "progress": {
                        "progress_percent": 25,
                        "completed_at": None,
                        "updated_at": "2026-11-20T07:05:00Z",
                        "videos": [
                            {
                                "video_id": _EXAMPLE_VIDEO["id"],
                                "position_seconds": 300,
                                "completed": True,
                            }
                        ],
                    },
                    "my_rating": None,
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request: Request, workout_id: Any) -> Response:
        user = _user(request)
        workout = _published_or_404(workout_id, details=True)
        access = workout_access(user=user, workout=workout)
        rating = selectors.workout_rating_for_user(user=user, workout=workout)
        body = {
            "id": workout.pk,
            "title": workout.title,
            "description": workout.description,
            "thumbnail": workout.thumbnail,
            "goal": workout.goal,
            "difficulty": workout.difficulty,
            "equipment": workout.equipment,
            "categories": [{"slug": c.slug, "name": c.name} for c in workout.categories.all()],
            "trainer": (
                {"name": workout.trainer.name, "bio": workout.trainer.bio}
                if workout.trainer
                else None
            ),
            "duration_seconds": workout.estimated_duration_seconds,
            "energy_kcal": workout.estimated_energy_kcal,
            "is_premium": workout.is_premium,
            "is_featured": workout.is_featured,
            "published_at": workout.publish_at,
            "rating_average": workout.rating_average,
            "rating_count": workout.rating_count,
            "completions_count": workout.completions_count,
            "is_favorite": bool(
                favorite_object_ids_for_user(user=user, kind=FAVORITE_KIND, object_ids=[workout.pk])
            ),
            "can_play": access.allowed,
            "access_reason": access.reason,
            "videos": _video_rows(request=request, user=user, workout=workout),
            "progress": _progress_body(
                selectors.workout_progress_for_user(user=user, workout=workout)
            ),
            "my_rating": (
                {"stars": rating.stars, "text": rating.text, "updated_at": rating.updated_at}
                if rating
                else None
            ),
        }
        return Response(WorkoutDetailOutputSerializer(body).data)


class WorkoutVideosView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A workout's videos in order, with lock state",
        description="Each video says whether the caller may play it and why (free, preview, "
        "staff, premium, purchased), or why not (needs_premium, buy_workout). " + PLAYBACK_NOTE,
        responses={200: WorkoutVideoOutputSerializer(many=True)},
        examples=[OpenApiExample("Videos", value=_EXAMPLE_VIDEO, response_only=True)],
    )
    def get(self, request: Request, workout_id: Any) -> Response:
        workout = _published_or_404(workout_id)
        rows = _video_rows(request=request, user=_user(request), workout=workout)
        return Response(WorkoutVideoOutputSerializer(rows, many=True).data)


@extend_validation_errors(
    [error_codes.VIDEO_NOT_IN_WORKOUT], field_name="video_id", methods=["post"]
)
@extend_validation_errors(
    [error_codes.PROGRESS_BACKWARDS, error_codes.POSITION_BEYOND_END],
    field_name="position_seconds",
    methods=["post"],
)
@extend_validation_errors(
    [error_codes.PROGRESS_BACKWARDS], field_name="completed", methods=["post"]
)
class WorkoutProgressView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Record the caller's position in one video of the workout",
        description="Positions only move forward and never past the video's end (400 "
        "`progress_backwards` / `position_beyond_end`); a completed video stays completed. "
        "Sending the same values again changes nothing, so retries are safe. The workout "
        "percentage is the watched share of its total duration; when every video is "
        "completed the workout is completed (`completed_at`) and one session is recorded "
        "for the user's progress and streaks. A video of another workout answers 400 "
        "`video_not_in_workout`; a locked video 403 `video_locked`.",
        request=WorkoutProgressInputSerializer,
        responses={
            200: WorkoutProgressOutputSerializer,
            403: ErrorResponse403WorkoutProgressSerializer,
        },
        examples=[
            OpenApiExample(
                "Half-way through a video",
                value={"video_id": _EXAMPLE_VIDEO["id"], "position_seconds": 150},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, workout_id: Any) -> Response:
        workout = _published_or_404(workout_id)
        data = WorkoutProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        progress = services.workout_progress_record(
            user=_user(request), workout=workout, **data.validated_data
        )
        return Response(WorkoutProgressOutputSerializer(_progress_body(progress)).data)


class WorkoutRateView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Rate a workout (1-5 stars, optional text)",
        description="One rating per user and workout: a second call replaces it. Answers the "
        "workout's new average and count.",
        request=WorkoutRateInputSerializer,
        responses={200: WorkoutRateOutputSerializer},
        examples=[
            OpenApiExample(
                "Five stars",
                value={"stars": 5, "text": "Short and hard, loved it."},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, workout_id: Any) -> Response:
        workout = _published_or_404(workout_id)
        data = WorkoutRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.workout_rate(user=_user(request), workout=workout, **data.validated_data)
        workout.refresh_from_db(fields=["rating_average", "rating_count"])
        body = {
            "stars": rating.stars,
            "text": rating.text,
            "rating_average": workout.rating_average,
            "rating_count": workout.rating_count,
        }
        return Response(WorkoutRateOutputSerializer(body).data)
