"""Meal plan endpoints: /api/meals/plans (thin views: parse, call, render)."""

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
from core.openapi import BulkErrorResponse400Serializer, error_envelope_serializer
from core.pagination import catalog_page_response
from core.throttling import UserScopedThrottle, UserThrottle
from nutrition import error_codes, selectors
from nutrition.models import MealPlan, PlanEngine
from nutrition.services import plans as services

from .serializers import (
    EngineOutputSerializer,
    ManualPlanInputSerializer,
    MealPlanDeleteQuerySerializer,
    MealPlanDetailOutputSerializer,
    MealPlanGenerateInputSerializer,
    MealPlanListQuerySerializer,
    MealPlanPageOutputSerializer,
    MealPlanSummaryOutputSerializer,
    MealPlanUpdateInputSerializer,
    PlanReworkInputSerializer,
    ShoppingListOutputSerializer,
)

TAGS = ["meals"]


class MealPlanGenerateThrottle(UserScopedThrottle):
    """Generation, swaps and regenerations share a per-user scope (a solver run each, or
    OpenAI tokens): ``THROTTLE_MEAL_PLAN_GENERATE``."""

    scope = "meal_plan_generate"


GENERATE_THROTTLES = (UserThrottle, MealPlanGenerateThrottle)
ErrorResponse422PlanSerializer = error_envelope_serializer(
    status_code=422,
    codes=error_codes.ErrorCode422PlanEnum,
    suffix="Plan",
    doc="The envelope of a 422: the constraint that cannot be met (`attr`: the request field "
    "to relax, e.g. kcal, max_prep_minutes, allergies, days) and what would work instead.",
)
PLAN_ERRORS = [
    error_codes.PLAN_NOT_READY,
    error_codes.PLAN_CANCELLED,
]


def _user(request: Request) -> User:
    return cast(User, request.user)


def _plan_or_404(request: Request, plan_id: Any) -> MealPlan:
    plan = selectors.meal_plan_get_for_user(user=_user(request), plan_id=plan_id)
    if plan is None:
        raise NotFound("No such meal plan.")
    return plan


DETAIL_FIELDS = (
    *(name for name in MealPlanDetailOutputSerializer._declared_fields if name != "plan_days"),
)


def _detail(plan: MealPlan) -> Any:
    """The plan as GET answers it (three queries: the plan is loaded, its meals, their foods)."""
    body: dict[str, Any] = {name: getattr(plan, name) for name in DETAIL_FIELDS}
    body["plan_days"] = selectors.meal_plan_detail(plan=plan)["days"]
    return MealPlanDetailOutputSerializer(body).data


MEAL_ITEM_CODES = [
    error_codes.UNKNOWN_FOOD,
    error_codes.UNKNOWN_RECIPE,
    "invalid",
    "required",
    "blank",
    "null",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
    "invalid_choice",
    "null_characters_not_allowed",
    "surrogate_characters_not_allowed",
    "not_a_dict",
    "not_a_list",
    "date",
    "datetime",
    "unknown_field",
]


@extend_validation_errors(MEAL_ITEM_CODES, field_name="meals", methods=["post"])
@extend_validation_errors([error_codes.MACROS_INCONSISTENT], field_name="kcal", methods=["post"])
class MealPlanListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_list",
        summary="Your meal plans, newest first",
        description="Every status (pending, ready, failed, cancelled) unless `status` says "
        "which. Limit/offset pagination with `count`.",
        parameters=[MealPlanListQuerySerializer],
        responses={200: MealPlanPageOutputSerializer, 400: BulkErrorResponse400Serializer},
    )
    def get(self, request: Request) -> Response:
        query = MealPlanListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        plans = selectors.meal_plans_for_user(user=_user(request))
        if query.validated_data.get("status"):
            plans = plans.filter(status=query.validated_data["status"])
        return catalog_page_response(
            request, plans, lambda page: MealPlanSummaryOutputSerializer(page, many=True).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_create",
        summary="Create a plan by hand",
        description="Dates, daily targets and meals: each meal is a library recipe "
        "(`recipe_id`, at `servings`) or a free-form meal (`name` and `items`: food ids with "
        "grams; your custom foods allowed). Totals per meal and per day are computed from "
        "the foods. A day past `days`, two meals in one slot, an unknown recipe or food "
        "(another user's custom food included) answers 400 naming `meals`, and nothing is "
        "written. Macros whose energy (4/4/9 kcal per g) is more than 10 % away from "
        "`kcal` answer 400 `macros_inconsistent` on `kcal`.",
        request=ManualPlanInputSerializer,
        responses={201: MealPlanDetailOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ManualPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.meal_plan_create_manual(user=_user(request), **data.validated_data)
        return Response(_detail(plan), status=status.HTTP_201_CREATED)


@extend_validation_errors(
    [error_codes.OUT_OF_RANGE, error_codes.MACROS_INCONSISTENT, "required"],
    field_name="kcal",
    methods=["post"],
)
@extend_validation_errors(["required"], field_name="protein_g", methods=["post"])
@extend_validation_errors(["required"], field_name="carbs_g", methods=["post"])
@extend_validation_errors(["required"], field_name="fat_g", methods=["post"])
@extend_validation_errors(
    [error_codes.UNKNOWN_FOOD, "invalid"], field_name="excluded_foods", methods=["post"]
)
@extend_validation_errors(
    [error_codes.ENGINE_UNAVAILABLE, "invalid_choice"], field_name="engine", methods=["post"]
)
@extend_validation_errors(["invalid_choice"], field_name="allergies", methods=["post"])
@extend_validation_errors(["invalid_choice"], field_name="cuisines", methods=["post"])
class MealPlanGenerateView(APIView):
    throttle_classes = GENERATE_THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_generate",
        summary="Generate a meal plan",
        description="`days` (1-14) and `meals_per_day` (3-6); targets, diet, allergies, "
        "excluded foods and cuisines default to your profile's. **engine `optimiser`** "
        "(default): our optimiser over the recipe library answers at once with **201** and "
        "the plan `ready`: each day within 5 % of the calories and 10 % of each macro's "
        "grams, never against the diet or an allergy, no recipe twice within three days, "
        "prep time respected; each day says how far it landed (`deviation`). When the "
        "request cannot be met: **422** `plan_infeasible` naming the field to relax "
        "(`attr`) and what would work instead, and nothing is written. **engine `openai`**: "
        "**202** with the plan `pending`; a Celery task asks OpenAI, maps every ingredient "
        "to our foods, recomputes the nutrients, checks diet and allergies and fixes "
        "portions with our optimiser; poll GET /api/meals/plans/{id} until `ready` (or "
        "`failed`); when OpenAI's answer is unusable after a retry (or OpenAI fails), our "
        "engine makes the plan and `fallback_reason` says why. With no OpenAI key "
        "configured, engine `openai` answers **400** `engine_unavailable` on `engine` and "
        "nothing is written: GET /api/meals/engines says beforehand which engines are "
        "available.",
        request=MealPlanGenerateInputSerializer,
        responses={
            201: MealPlanDetailOutputSerializer,
            202: MealPlanDetailOutputSerializer,
            422: ErrorResponse422PlanSerializer,
        },
        examples=[
            OpenApiExample(
                "A vegetarian week",
                value={
                    "days": 7,
                    "meals_per_day": 4,
                    "diet": "vegetarian",
                    "allergies": ["peanuts"],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = MealPlanGenerateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        engine = values.pop("engine")
        start_date = values.pop("start_date", None)
        name = values.pop("name", None)
        user = _user(request)
        params = services.plan_params_resolve(user=user, **values)
        plan = services.meal_plan_generate(
            user=user, params=params, engine=engine, start_date=start_date, name=name
        )
        plan.refresh_from_db()
        code = status.HTTP_202_ACCEPTED if engine == PlanEngine.OPENAI else status.HTTP_201_CREATED
        return Response(_detail(plan), status=code)


class EngineListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_engines_list",
        summary="The generator's engines and whether each is available",
        description="Ask before offering an engine: `optimiser` (ours, the default) is "
        "always available and answers at once (201); `openai` needs an OpenAI key on the "
        "server: without one it is `available: false` with the `reason`, and POST "
        "/api/meals/plans/generate with it answers 400 `engine_unavailable`. When available "
        "it answers 202 and the plan is polled. Not paginated.",
        responses={200: EngineOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(EngineOutputSerializer(selectors.meal_plan_engines(), many=True).data)


@extend_validation_errors(PLAN_ERRORS, field_name="status", methods=["put"])
@extend_validation_errors(MEAL_ITEM_CODES, field_name="meals", methods=["put"])
@extend_validation_errors(["invalid"], field_name="days", methods=["put"])
@extend_validation_errors([error_codes.MACROS_INCONSISTENT], field_name="kcal", methods=["put"])
class MealPlanDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_detail",
        summary="A plan with its days, meals, foods and totals",
        description="Per meal: its foods with grams and nutrients, and totals; per day: "
        "totals, targets and `deviation` ((total - target) / target). Another user's plan "
        "answers 404.",
        responses={200: MealPlanDetailOutputSerializer},
    )
    def get(self, request: Request, plan_id: Any) -> Response:
        return Response(_detail(_plan_or_404(request, plan_id)))

    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_update",
        summary="Change a plan: name, dates, targets, meals",
        description="Any of `name`, `start_date`, `days`, the daily targets, and `meals` "
        "(every meal of the plan, as in POST /api/meals/plans: they replace the current ones "
        "and the plan becomes a manual one). A cancelled plan can only be renamed (400 "
        "`plan_cancelled`); a pending plan's meals wait for its generation (400 "
        "`plan_not_ready`). Meals past a reduced `days` need new `meals` (400 on `days`). "
        "The targets after the change must add up (400 `macros_inconsistent` on `kcal`).",
        request=MealPlanUpdateInputSerializer,
        responses={200: MealPlanDetailOutputSerializer},
    )
    def put(self, request: Request, plan_id: Any) -> Response:
        plan = _plan_or_404(request, plan_id)
        data = MealPlanUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.meal_plan_update(plan=plan, **data.validated_data)
        return Response(_detail(plan))

    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_delete",
        summary="Cancel a plan (default) or delete it (?permanent=true)",
        description="Without `permanent` (or `permanent=false`): the plan is **cancelled** and "
        "kept as history (status `cancelled`, `cancelled_at`; again: no change). With "
        "`permanent=true`: the plan and its meals are **deleted**. Both answer 204.",
        parameters=[MealPlanDeleteQuerySerializer],
        responses={204: None},
    )
    def delete(self, request: Request, plan_id: Any) -> Response:
        plan = _plan_or_404(request, plan_id)
        query = MealPlanDeleteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["permanent"]:
            services.meal_plan_delete(plan=plan)
        else:
            services.meal_plan_cancel(plan=plan)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_validation_errors(PLAN_ERRORS, field_name="status", methods=["post"])
@extend_validation_errors(["invalid"], field_name="meal", methods=["post"])
class MealSwapView(APIView):
    throttle_classes = GENERATE_THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_meal_swap",
        summary="Swap one meal for an equivalent one",
        description="Another library recipe for the same mealtime that keeps the plan's "
        "diet, allergies, prep time and no-repeat rule; the day's other meals stay (their "
        "portions may change so the day stays on target). 422 `plan_infeasible` when no "
        "recipe fits.",
        request=PlanReworkInputSerializer,
        responses={200: MealPlanDetailOutputSerializer, 422: ErrorResponse422PlanSerializer},
    )
    def post(self, request: Request, plan_id: Any, meal_id: Any) -> Response:
        plan = _plan_or_404(request, plan_id)
        meal = selectors.meal_get_for_plan(plan=plan, meal_id=meal_id)
        if meal is None:
            raise NotFound("No such meal in this plan.")
        data = PlanReworkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.meal_swap(plan=plan, meal=meal, seed=data.validated_data["seed"])
        return Response(_detail(plan))


@extend_validation_errors(PLAN_ERRORS, field_name="status", methods=["post"])
@extend_validation_errors(["invalid"], field_name="day", methods=["post"])
class DayRegenerateView(APIView):
    throttle_classes = GENERATE_THROTTLES

    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_day_regenerate",
        summary="Regenerate one day",
        description="The day planned again with other recipes (none used within two days of "
        "it), same targets and rules. A day outside the plan answers 400 naming `day`.",
        request=PlanReworkInputSerializer,
        responses={200: MealPlanDetailOutputSerializer, 422: ErrorResponse422PlanSerializer},
    )
    def post(self, request: Request, plan_id: Any, day: int) -> Response:
        plan = _plan_or_404(request, plan_id)
        data = PlanReworkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.meal_plan_day_regenerate(plan=plan, day=day, seed=data.validated_data["seed"])
        return Response(_detail(plan))


class ShoppingListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="meals_plans_shopping_list",
        summary="The plan's shopping list",
        description="Grams per food over all the plan's meals, summed and grouped by "
        "category, each in household units where one of the food's portions fits (0.5 to 12 "
        "of it, in quarters).",
        responses={200: ShoppingListOutputSerializer},
    )
    def get(self, request: Request, plan_id: Any) -> Response:
        plan = _plan_or_404(request, plan_id)
        groups = selectors.meal_plan_shopping_list(plan=plan)
        return Response(ShoppingListOutputSerializer({"plan_id": plan.pk, "groups": groups}).data)
