"""The recipe library: /api/meals/recipes (thin views: parse, call, render)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.openapi import BulkErrorResponse400Serializer
from core.pagination import catalog_page_response
from nutrition import selectors
from nutrition.models import NUTRIENT_FIELDS, Recipe

from .serializers import (
    RecipeDetailOutputSerializer,
    RecipeListItemOutputSerializer,
    RecipeListQuerySerializer,
    RecipePageOutputSerializer,
)

TAGS = ["meals"]


def _item(recipe: Recipe) -> dict[str, Any]:
    return {
        "id": recipe.pk,
        "slug": recipe.slug,
        "title": recipe.title,
        "meal_types": recipe.meal_types,
        "cuisine": recipe.cuisine,
        "prep_minutes": recipe.prep_minutes,
        "servings": recipe.servings,
        "per_serving": {name: getattr(recipe, name) for name in NUTRIENT_FIELDS},
        "serving_grams": recipe.serving_grams,
        "tags": recipe.tags,
        "allergens": recipe.allergens,
    }


class RecipeListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_recipes_list",
        summary="The recipe library",
        description="Active recipes by title. Filters combine with AND: `meal_type`, `tag` "
        "(repeatable: every one), `allergen_free` (repeatable: none of them), `cuisine`, "
        "`max_prep_minutes`, `q` (in the title). Per-serving nutrients, tags and allergens "
        "are computed from the recipe's foods. Limit/offset pagination with `count`.",
        parameters=[RecipeListQuerySerializer],
        responses={200: RecipePageOutputSerializer, 400: BulkErrorResponse400Serializer},
    )
    def get(self, request: Request) -> Response:
        query = RecipeListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        p = query.validated_data
        filters = selectors.RecipeFilters(
            meal_type=p.get("meal_type"),
            tags=tuple(p.get("tag", ())),
            exclude_allergens=tuple(p.get("allergen_free", ())),
            cuisine=p.get("cuisine"),
            max_prep_minutes=p.get("max_prep_minutes"),
            q=p.get("q"),
        )
        return catalog_page_response(
            request,
            selectors.recipes_list(filters=filters),
            lambda page: (
                RecipeListItemOutputSerializer([_item(recipe) for recipe in page], many=True).data
            ),
        )


class RecipeDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_recipes_detail",
        summary="A recipe with its foods, steps and nutrients",
        description="Each ingredient with its grams (for the whole recipe) and nutrients; "
        "per-serving totals. A retired or unknown recipe answers 404.",
        responses={200: RecipeDetailOutputSerializer},
    )
    def get(self, request: Request, recipe_id: Any) -> Response:
        detail = selectors.recipe_detail(recipe_id=recipe_id)
        if detail is None:
            raise NotFound("No such recipe.")
        recipe = detail["recipe"]
        body = {
            **_item(recipe),
            "description": recipe.description,
            "steps": recipe.steps,
            "ingredients": detail["ingredients"],
        }
        return Response(RecipeDetailOutputSerializer(body).data)
