"""Favourites and training progress: /api/users/favorites, /api/users/progress."""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.openapi import BulkErrorResponse400Serializer
from core.pagination import catalog_page_response
from core.serializers import NullableNestedOutputSerializer, StrictInputSerializer
from nutrition.selectors import meal_summaries_by_ids, recipe_summaries_by_ids
from profiles import error_codes, selectors, services
from profiles.choices import FavoriteKind
from profiles.progress import HISTORY_WEEKS, training_progress_for_user
from workouts.selectors import workout_summaries_by_ids

TAGS = ["users"]


class FavoriteListQuerySerializer(StrictInputSerializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100)
    offset = serializers.IntegerField(required=False, min_value=0)


class FavoriteInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=FavoriteKind.choices, help_text="what `id` is")
    id = serializers.UUIDField(
        help_text="the public id of the workout, the recipe, or the meal (of one of your plans)"
    )


class FavoriteWorkoutOutputSerializer(NullableNestedOutputSerializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    thumbnail = serializers.CharField()
    duration_seconds = serializers.IntegerField(source="estimated_duration_seconds")
    difficulty = serializers.CharField()
    goal = serializers.CharField()
    is_premium = serializers.BooleanField()
    rating_average = serializers.FloatField()
    rating_count = serializers.IntegerField()


class FavoriteRecipeOutputSerializer(NullableNestedOutputSerializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    meal_types = serializers.ListField(child=serializers.CharField())
    cuisine = serializers.CharField()
    prep_minutes = serializers.IntegerField()
    energy_kcal = serializers.FloatField(help_text="per serving")
    protein_g = serializers.FloatField(help_text="per serving")
    tags = serializers.ListField(child=serializers.CharField())


class FavoriteMealOutputSerializer(NullableNestedOutputSerializer):
    id = serializers.UUIDField()
    plan_id = serializers.UUIDField()
    day = serializers.IntegerField()
    mealtime = serializers.CharField()
    name = serializers.CharField()
    recipe_id = serializers.UUIDField(allow_null=True)


class FavoriteOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="the favourite's own id (DELETE it to remove)")
    kind = serializers.ChoiceField(choices=FavoriteKind.choices)
    object_id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    workout = FavoriteWorkoutOutputSerializer(
        allow_null=True, help_text="for kind workout; null once the workout is unpublished"
    )
    recipe = FavoriteRecipeOutputSerializer(
        allow_null=True, help_text="for kind recipe; null once the recipe is retired"
    )
    meal = FavoriteMealOutputSerializer(
        allow_null=True, help_text="for kind meal; null once its plan is deleted"
    )


class FavoritePageOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FavoriteOutputSerializer(many=True)


class TrainingWeekOutputSerializer(serializers.Serializer):
    week_start = serializers.DateField(help_text="first day of the week (the user's setting)")
    workouts = serializers.IntegerField()
    minutes = serializers.IntegerField()


class TrainingProgressOutputSerializer(serializers.Serializer):
    workouts_completed = serializers.IntegerField()
    minutes_trained = serializers.IntegerField()
    current_streak_days = serializers.IntegerField()
    longest_streak_days = serializers.IntegerField()
    last_workout_at = serializers.DateTimeField(allow_null=True)
    weeks = TrainingWeekOutputSerializer(many=True)


def _favorite_bodies(favorites: list[Any], *, user: User) -> list[dict[str, Any]]:
    """Each favourite with a summary of its object (one query per kind on the page)."""

    def ids(kind: str) -> list[Any]:
        return [f.object_id for f in favorites if f.kind == kind]

    workout_ids, recipe_ids, meal_ids = ids(FavoriteKind.WORKOUT), ids("recipe"), ids("meal")
    workouts = workout_summaries_by_ids(ids=workout_ids) if workout_ids else {}
    recipes = recipe_summaries_by_ids(ids=recipe_ids) if recipe_ids else {}
    meals = meal_summaries_by_ids(user=user, ids=meal_ids) if meal_ids else {}
    return [
        {
            "id": f.pk,
            "kind": f.kind,
            "object_id": f.object_id,
            "created_at": f.created_at,
            "workout": workouts.get(f.object_id) if f.kind == FavoriteKind.WORKOUT else None,
            "recipe": recipes.get(f.object_id) if f.kind == FavoriteKind.RECIPE else None,
            "meal": meals.get(f.object_id) if f.kind == FavoriteKind.MEAL else None,
        }
        for f in favorites
    ]


_EXAMPLE_FAVORITE = {
    "id": "c2f7d8a0-58b6-4d5b-9f0e-1e2d3c4b5a69",
    "kind": "workout",
    "object_id": "6f1c2b8e-3d1a-4a4e-9a57-2f3c1d0e9b11",
    "created_at": "2026-11-20T07:00:00Z",
    "recipe": None,
    "meal": None,
    "workout": {
        "id": "6f1c2b8e-3d1a-4a4e-9a57-2f3c1d0e9b11",
        "title": "Morning Yoga Flow",
        "thumbnail": "https://cdn.fitcore.example/thumbs/morning-yoga-flow.jpg",
        "duration_seconds": 1200,
        "difficulty": "beginner",
        "goal": "mobility",
        "is_premium": False,
        "rating_average": 4.6,
        "rating_count": 128,
    },
}


@extend_validation_errors(
    [error_codes.FAVORITE_TARGET_NOT_FOUND], field_name="id", methods=["post"]
)
class FavoritesView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Your favourites, newest first",
        description="Limit/offset pagination with `count` (limit at most 100).",
        parameters=[FavoriteListQuerySerializer],
        responses={200: FavoritePageOutputSerializer, 400: BulkErrorResponse400Serializer},
        examples=[
            OpenApiExample(
                "A page",
                value={"count": 1, "next": None, "previous": None, "results": [_EXAMPLE_FAVORITE]},
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request: Request) -> Response:
        FavoriteListQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
        user = cast(User, request.user)
        return catalog_page_response(
            request,
            selectors.favorites_for_user(user=user),
            lambda page: (
                FavoriteOutputSerializer(_favorite_bodies(page, user=user), many=True).data
            ),
        )

    @extend_schema(
        tags=TAGS,
        summary="Add a favourite",
        description="`kind` is `workout` (a published workout), `recipe` (a library recipe) "
        "or `meal` (a meal of one of your plans); an `id` that is none of these for you "
        "answers 400 `favorite_target_not_found`. Adding one already there answers it again "
        "with 200; a new one answers 201.",
        request=FavoriteInputSerializer,
        responses={200: FavoriteOutputSerializer, 201: FavoriteOutputSerializer},
        examples=[
            OpenApiExample(
                "A workout",
                value={"kind": "workout", "id": _EXAMPLE_FAVORITE["object_id"]},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = FavoriteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        favorite, created = services.favorite_add(
            user=cast(User, request.user),
            kind=data.validated_data["kind"],
            object_id=data.validated_data["id"],
        )
        body = FavoriteOutputSerializer(
            _favorite_bodies([favorite], user=cast(User, request.user))[0]
        ).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class FavoriteDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Remove a favourite",
        description="By the favourite's own id. Another user's favourite answers 404.",
        responses={204: None},
    )
    def delete(self, request: Request, favorite_id: Any) -> Response:
        favorite = selectors.favorite_get_for_user(
            user=cast(User, request.user), favorite_id=favorite_id
        )
        if favorite is None:
            raise NotFound("No such favourite.")
        services.favorite_remove(favorite=favorite)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrainingProgressView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Your training progress",
        description="Completed workouts and minutes trained (all time); the current streak "
        "(consecutive days with a completed workout, ending today or yesterday) and the "
        "longest, in days of your time zone; and the last "
        f"{HISTORY_WEEKS} weeks (starting on your week start), oldest first.",
        responses={200: TrainingProgressOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        progress = training_progress_for_user(user=cast(User, request.user), now=timezone.now())
        return Response(TrainingProgressOutputSerializer(progress).data)
