"""Nutrition endpoints (thin views: parse, call, render)."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.openapi import BulkErrorResponse400Serializer
from core.pagination import CatalogPagination
from nutrition import error_codes, selectors, services
from nutrition.models import NUTRIENT_FIELDS, Food

from .serializers import (
    CustomFoodInputSerializer,
    FoodListQuerySerializer,
    FoodOutputSerializer,
    FoodPageOutputSerializer,
    TemplateOutputSerializer,
)

TAGS = ["meals"]

_EXAMPLE_FOOD = {
    "id": "4d5c7a10-2b1e-4f4a-9c3e-8a7b6c5d4e3f",
    "name": "Broccoli, raw",
    "category": "Vegetables and Vegetable Products",
    "source": "usda",
    "fdc_id": "11090",
    "is_own": False,
    "per_100g": {
        "energy_kcal": 34.0,
        "protein_g": 2.82,
        "carbs_g": 6.64,
        "fat_g": 0.37,
        "fiber_g": 2.6,
        "sugar_g": 1.7,
        "sat_fat_g": 0.039,
        "sodium_mg": 33.0,
    },
    "allergens": [],
    "diet_flags": [],
    "portions": [{"label": "1 cup chopped", "grams": 91.0}],
}


def _user(request: Request) -> User:
    return cast(User, request.user)


def _food_body(row: dict[str, Any], *, user: User) -> dict[str, Any]:
    """A food (a selector row or a Food) as the API shows it."""
    return {
        "id": row["id"],
        "name": row["name"],
        "category": row["category"],
        "source": row["source"],
        "fdc_id": row["fdc_id"],
        "is_own": row["owner_id"] is not None and row["owner_id"] == user.pk,
        "per_100g": {name: row[name] for name in NUTRIENT_FIELDS},
        "allergens": row["allergens"],
        "diet_flags": row["diet_flags"],
        "portions": row["portions"],
    }


def _food_row(food: Food) -> dict[str, Any]:
    row = {name: getattr(food, name) for name in ("id", "name", "category", "source", "fdc_id")}
    row.update({name: getattr(food, name) for name in NUTRIENT_FIELDS})
    row.update(
        owner_id=food.owner_id,
        allergens=food.allergens,
        diet_flags=food.diet_flags,
        portions=[{"label": p.label, "grams": p.grams} for p in food.portions.all()],
    )
    return row


@extend_validation_errors(
    [error_codes.NUTRIENTS_INCONSISTENT],
    field_name="energy_kcal",
    methods=["post"],
)
@extend_validation_errors(
    [error_codes.NUTRIENTS_INCONSISTENT], field_name="fat_g", methods=["post"]
)
@extend_validation_errors(
    [error_codes.NUTRIENTS_INCONSISTENT], field_name="fiber_g", methods=["post"]
)
@extend_validation_errors(
    [error_codes.NUTRIENTS_INCONSISTENT], field_name="sugar_g", methods=["post"]
)
@extend_validation_errors(
    [error_codes.NUTRIENTS_INCONSISTENT], field_name="sat_fat_g", methods=["post"]
)
@extend_validation_errors(
    # An item's own errors, reported on the list (the item and field in the message).
    [
        "required",
        "invalid",
        "null",
        "blank",
        "min_value",
        "max_value",
        "min_length",
        "max_length",
        "null_characters_not_allowed",
        "surrogate_characters_not_allowed",
        "not_a_dict",
        "unknown_field",
    ],
    field_name="portions",
    methods=["post"],
)
class FoodListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_foods_list",
        summary="Search the food database",
        description="The USDA food table (SR28 and FNDDS 2021-2023, per 100 g) and the "
        "caller's own custom foods (never another user's). With `q`: every word must match "
        "(english stemming, any order, the last word may be a prefix), ranked so that the "
        'plain food comes first ("chicken breast": chicken breast before chicken-breast '
        "sandwiches); when no food has every word, names that look like a typo of the query "
        'are returned instead ("brocoli" finds broccoli). Without `q`: foods by name. '
        "`category` filters on the exact category name. Each hit has its nutrients per "
        "100 g, allergens, diet flags and household portions. `count` is exact up to 1,000 "
        "matches per source (public table, own foods); `count_capped` says when it was "
        "reached. Limit/offset pagination (limit at most 100).",
        parameters=[FoodListQuerySerializer],
        responses={200: FoodPageOutputSerializer, 400: BulkErrorResponse400Serializer},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 211,
                    "count_capped": False,
                    "next": "https://api.fitcore.example/api/meals/foods?limit=1&offset=1&q=brocoli",
                    "previous": None,
                    "results": [{**_EXAMPLE_FOOD, "score": 2.1}],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = FoodListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        user = _user(request)
        paginator = CatalogPagination()
        paginator.request = request
        paginator.limit = paginator.get_limit(request)
        paginator.offset = paginator.get_offset(request)
        if params.get("q"):
            page = selectors.food_search_page(
                user=user,
                q=params["q"],
                category=params.get("category"),
                offset=paginator.offset,
                limit=paginator.limit,
            )
        else:
            page = selectors.food_browse_page(
                user=user,
                category=params.get("category"),
                offset=paginator.offset,
                limit=paginator.limit,
            )
        paginator.count = page.count
        results = [{**_food_body(row, user=user), "score": row.get("score")} for row in page.rows]
        return Response(
            {
                "count": page.count,
                "count_capped": page.count_capped,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": results,
            }
        )

    @extend_schema(
        tags=TAGS,
        operation_id="meals_foods_create",
        summary="Add a custom food (private to you)",
        description="Nutrients per 100 g (energy 0-902 kcal, grams 0-100, sodium 0-40,000 "
        "mg) and optional household portions. Refused with 400 `nutrients_inconsistent` "
        "naming the field when the parts exceed the whole: protein + carbohydrate + fat above "
        "100 g (`fat_g`), fibre or sugar above the carbohydrate, saturated above total fat, or "
        "macros worth far more energy than `energy_kcal` (4/4/9 kcal per g, 25 % + 20 kcal "
        "slack). Allergens and diet flags are derived from the name and category. Only you "
        "see it: in your searches and at its id.",
        request=CustomFoodInputSerializer,
        responses={201: FoodOutputSerializer},
        examples=[
            OpenApiExample(
                "Grandma's granola",
                value={
                    "name": "Grandma's granola",
                    "category": "Breakfast Cereals",
                    "energy_kcal": 450,
                    "protein_g": 10,
                    "carbs_g": 60,
                    "fat_g": 18,
                    "fiber_g": 7,
                    "portions": [{"label": "1 cup", "grams": 110}],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = CustomFoodInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = _user(request)
        food = services.custom_food_create(user=user, **data.validated_data)
        found = selectors.food_get_for_user(user=user, food_id=food.pk)
        assert found is not None
        body = _food_body(_food_row(found), user=user)
        return Response(FoodOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class FoodDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_foods_detail",
        summary="A food by id",
        description="A USDA food or one of your custom foods; another user's custom food "
        "answers 404, like an unknown id.",
        responses={200: FoodOutputSerializer},
        examples=[OpenApiExample("Broccoli", value=_EXAMPLE_FOOD, response_only=True)],
    )
    def get(self, request: Request, food_id: Any) -> Response:
        user = _user(request)
        food = selectors.food_get_for_user(user=user, food_id=food_id)
        if food is None:
            raise NotFound("No such food.")
        return Response(FoodOutputSerializer(_food_body(_food_row(food), user=user)).data)


class TemplateListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_templates_list",
        summary="Meal-plan templates",
        description="Starting points for a plan: a diet (balanced, high-protein, vegetarian, "
        "vegan, Mediterranean, low-carb, keto, pescatarian, quick) at a few calorie levels, "
        "with daily macro targets in grams (4/4/9 kcal per g of the template's split), meals "
        "per day and, for some, a prep-time limit or cuisines. Data-defined "
        "(nutrition/data/templates.json). Not paginated.",
        responses={200: TemplateOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        templates = selectors.templates_list()
        return Response(TemplateOutputSerializer(templates, many=True).data)
