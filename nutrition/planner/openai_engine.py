"""The OpenAI engine: the model proposes meals, our code decides what is served.

The official ``openai`` SDK calls the Responses API with Structured Outputs (``responses.parse``
with ``text_format=``: a strict JSON schema of :class:`AIPlan`). Nothing the model says about
nutrients is used: every ingredient is mapped to our food table through ``food_resolver``
(unmapped ones of 10 g or less are dropped and noted; heavier ones make the answer unusable),
nutrients are recomputed from the foods' per-100 g values, diet, allergies, excluded foods,
cuisines, prep time and the three-day no-repeat rule are checked on our data, and the portions
are fixed by the optimiser's portion solver so the day's targets hold.

An unusable answer is sent back once with the list of problems; a second unusable answer, a
timeout, a rate limit or a provider error (after the SDK's own bounded retries with backoff)
falls back to our engine, and the result says so in ``fallback_reason``. Token usage of every
answer is summed into the result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import openai
import pydantic
from pydantic import BaseModel, ConfigDict

from . import rules
from .optimiser import plan_generate, plan_request_check, portions_fit
from .types import (
    NO_REPEAT_DAYS,
    ZERO,
    DayResult,
    GeneratedMeal,
    Infeasible,
    IngredientLine,
    Nutrients,
    PlanRequest,
    PlanResult,
    RecipeOption,
    TokenUsage,
)

DROPPABLE_GRAMS = 10.0  # an unmapped ingredient this light (a pinch of spice) is dropped
MAX_INGREDIENT_GRAMS = 1500.0
MAX_OUTPUT_TOKENS = 16_000


@dataclass(frozen=True)
class FoodMatch:
    """What ``food_resolver(name)`` answers for an ingredient name: one of our foods."""

    food_id: str
    name: str
    per_100g: Nutrients
    allergens: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()  # the diets the food fits (as for recipes)


FoodResolver = Callable[[str], FoodMatch | None]


@dataclass(frozen=True)
class OpenAIConfig:
    api_key: str
    model: str
    base_url: str | None = None
    timeout_seconds: float = 60.0
    max_retries: int = 2

    @classmethod
    def from_settings(cls) -> OpenAIConfig | None:
        """From ``OPENAI_*`` settings; None when no key is configured."""
        from django.conf import settings

        if not settings.OPENAI_API_KEY:
            return None
        return cls(
            api_key=settings.OPENAI_API_KEY,
            model=settings.OPENAI_MODEL,
            base_url=settings.OPENAI_BASE_URL,
            timeout_seconds=float(settings.OPENAI_TIMEOUT_SECONDS),
            max_retries=settings.OPENAI_MAX_RETRIES,
        )


def openai_engine_available() -> bool:
    """Whether the OpenAI engine can be offered (a key is configured)."""
    return OpenAIConfig.from_settings() is not None


# --- the structured-output schema -------------------------------------------------------


class AIIngredient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    grams: float


class AIMeal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    meal_type: Literal["breakfast", "lunch", "dinner", "snack"]
    name: str
    description: str
    cuisine: str
    prep_minutes: int
    ingredients: list[AIIngredient]
    steps: list[str]


class AIDay(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: int
    meals: list[AIMeal]


class AIPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: list[AIDay]


INSTRUCTIONS = (
    "You are a registered dietitian writing a meal plan. Use plain, common foods that a "
    "nutrition database lists (e.g. 'chicken breast, raw', 'rolled oats', 'broccoli, raw', "
    "'olive oil'), one food per ingredient, with grams for ONE serving of the meal. Respect "
    "the diet, never use an ingredient containing a listed allergen or an excluded food, keep "
    "each meal's preparation time within the limit, do not repeat a meal within three days, "
    "and aim the day's calories and macros at the targets. Answer with the JSON schema only."
)


def _prompt(request: PlanRequest, excluded_food_names: Sequence[str]) -> str:
    ask: dict[str, Any] = {
        "days": request.days,
        "meals_each_day_in_order": list(rules.slots_for(request.meals_per_day)),
        "daily_targets": {
            "kcal": round(request.kcal),
            "protein_g": round(request.protein_g),
            "carbs_g": round(request.carbs_g),
            "fat_g": round(request.fat_g),
        },
        "diet": request.diet,
        "allergies_to_avoid": sorted(request.allergies),
        "excluded_foods": sorted(excluded_food_names),
        "cuisines": sorted(request.cuisines) or "any",
        "max_prep_minutes": request.max_prep_minutes,
    }
    return "Plan these meals:\n" + json.dumps(ask, indent=1)


# --- checking an answer ---------------------------------------------------------------


@dataclass
class _Checked:
    days: list[DayResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _check_meal(
    meal: AIMeal, *, day: int, request: PlanRequest, resolve: FoodResolver, checked: _Checked
) -> tuple[RecipeOption, list[tuple[FoodMatch, AIIngredient]]] | None:
    where = f"day {day} {meal.meal_type} '{meal.name}'"
    problems_before = len(checked.problems)
    foods: list[tuple[FoodMatch, AIIngredient]] = []
    for ingredient in meal.ingredients:
        if not 0 < ingredient.grams <= MAX_INGREDIENT_GRAMS:
            checked.problems.append(
                f"{where}: '{ingredient.name}' has {ingredient.grams:g} g (must be 0-"
                f"{MAX_INGREDIENT_GRAMS:g})"
            )
            continue
        match = resolve(ingredient.name)
        if match is None:
            if ingredient.grams <= DROPPABLE_GRAMS:
                checked.notes.append(
                    f"{where}: dropped '{ingredient.name}' ({ingredient.grams:g} g), not in "
                    "the food table"
                )
            else:
                checked.problems.append(
                    f"{where}: unknown ingredient '{ingredient.name}' (not in the food table; "
                    "use a plain food name)"
                )
            continue
        if rules.has_allergen(request.allergies, match.allergens):
            found = sorted(
                {rules.normalise_allergen(a) for a in match.allergens}
                & {rules.normalise_allergen(a) for a in request.allergies}
            )
            checked.problems.append(
                f"{where}: '{ingredient.name}' contains {', '.join(found)} (an allergy)"
            )
        if not rules.food_fits_diet(request.diet, match.tags, match.allergens):
            checked.problems.append(
                f"{where}: '{ingredient.name}' does not fit the {request.diet} diet"
            )
        if match.food_id in request.excluded_food_ids:
            checked.problems.append(f"{where}: '{ingredient.name}' is an excluded food")
        foods.append((match, ingredient))
    if request.max_prep_minutes is not None and meal.prep_minutes > request.max_prep_minutes:
        checked.problems.append(
            f"{where}: {meal.prep_minutes} minutes of preparation (at most "
            f"{request.max_prep_minutes})"
        )
    cuisine = rules.normalise_tag(meal.cuisine)
    if request.cuisines and cuisine not in request.cuisines:
        checked.problems.append(
            f"{where}: cuisine '{meal.cuisine}' is not one of {', '.join(sorted(request.cuisines))}"
        )
    per_serving = sum(
        (match.per_100g.scaled(ingredient.grams / 100) for match, ingredient in foods), ZERO
    )
    if not foods or per_serving.kcal < 30:
        checked.problems.append(f"{where}: no usable ingredients")
    elif not rules.meal_fits_diet(
        request.diet, kcal=per_serving.kcal, carbs_g=per_serving.carbs_g, cuisine=cuisine
    ):
        checked.problems.append(f"{where}: the meal does not fit the {request.diet} diet")
    if len(checked.problems) > problems_before:
        return None
    option = RecipeOption(
        id=-1,
        slug=_normalise_name(meal.name),
        meal_types=frozenset({meal.meal_type}),
        prep_minutes=meal.prep_minutes,
        per_serving=per_serving,
        allergens=frozenset(a for match, _ in foods for a in match.allergens),
        food_ids=frozenset(match.food_id for match, _ in foods),
        cuisine=cuisine,
        title=meal.name,
    )
    return option, foods


def _check_plan(plan: AIPlan, request: PlanRequest, resolve: FoodResolver) -> _Checked:
    checked = _Checked()
    slots = rules.slots_for(request.meals_per_day)
    if len(plan.days) != request.days:
        checked.problems.append(f"{len(plan.days)} days planned, {request.days} asked for")
        return checked
    last_seen: dict[str, int] = {}
    for day_number, ai_day in enumerate(plan.days, start=1):
        kinds = tuple(meal.meal_type for meal in ai_day.meals)
        if kinds != slots:
            checked.problems.append(
                f"day {day_number}: meals {list(kinds)}, asked for {list(slots)} in that order"
            )
            continue
        options: list[RecipeOption] = []
        details: list[tuple[AIMeal, list[tuple[FoodMatch, AIIngredient]]]] = []
        for meal in ai_day.meals:
            key = _normalise_name(meal.name)
            if key in last_seen and day_number - last_seen[key] < NO_REPEAT_DAYS:
                checked.problems.append(
                    f"day {day_number}: '{meal.name}' repeats day {last_seen[key]} (no repeat "
                    f"within {NO_REPEAT_DAYS} days)"
                )
            last_seen[key] = day_number
            found = _check_meal(
                meal, day=day_number, request=request, resolve=resolve, checked=checked
            )
            if found is not None:
                options.append(found[0])
                details.append((meal, found[1]))
        if len(options) != len(slots):
            continue
        try:
            fitted = portions_fit(options, slots, request.targets, day=day_number)
        except Infeasible as exc:
            checked.problems.append(
                f"day {day_number}: {exc.message} (targets {request.kcal:.0f} kcal, "
                f"{request.protein_g:.0f} g protein, {request.carbs_g:.0f} g carbs, "
                f"{request.fat_g:.0f} g fat)"
            )
            continue
        meals = tuple(
            replace(planned, recipe_id=None, generated=_generated(meal, foods, planned.servings))
            for planned, (meal, foods) in zip(fitted.meals, details, strict=True)
        )
        checked.days.append(replace(fitted, meals=meals))
    return checked


def _generated(
    meal: AIMeal, foods: list[tuple[FoodMatch, AIIngredient]], servings: float
) -> GeneratedMeal:
    return GeneratedMeal(
        name=meal.name,
        description=meal.description,
        cuisine=rules.normalise_tag(meal.cuisine),
        prep_minutes=meal.prep_minutes,
        steps=tuple(meal.steps),
        ingredients=tuple(
            IngredientLine(
                food_id=match.food_id,
                name=match.name,
                asked_as=ingredient.name,
                grams=round(ingredient.grams * servings, 1),
            )
            for match, ingredient in foods
        ),
    )


# --- the engine ---------------------------------------------------------------------------


def _usage(body: Any) -> TokenUsage:
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        return TokenUsage()
    return TokenUsage(
        input_tokens=int(usage.get("input_tokens") or 0),
        output_tokens=int(usage.get("output_tokens") or 0),
        total_tokens=int(usage.get("total_tokens") or 0),
    )


def _fallback_reason(exc: openai.OpenAIError) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return "timeout: OpenAI did not answer in time"
    if isinstance(exc, openai.APIConnectionError):
        return "unreachable: could not connect to OpenAI"
    if isinstance(exc, openai.RateLimitError):
        return "rate_limited: OpenAI answered 429 after retries"
    if isinstance(exc, openai.APIStatusError):
        return f"provider_error: OpenAI answered {exc.status_code}"
    return f"provider_error: {type(exc).__name__}"


def plan_generate_openai(
    request: PlanRequest,
    *,
    recipes: Sequence[RecipeOption],
    food_resolver: FoodResolver,
    excluded_food_names: Sequence[str] = (),
    seed: int = 0,
    config: OpenAIConfig | None = None,
) -> PlanResult:
    """A plan written by OpenAI and made right by us, or our engine's plan (``recipes``,
    ``seed``) with ``fallback_reason`` set. Raises :class:`Infeasible` only when the fallback
    cannot plan either (and for a request our engine refuses outright: bad days, targets)."""
    config = config or OpenAIConfig.from_settings()

    def fallback(reason: str, usage: TokenUsage, attempts: int, model: str | None) -> PlanResult:
        planned = plan_generate(request, recipes, seed=seed)
        return replace(
            planned,
            requested_engine="openai",
            fallback_reason=reason,
            usage=usage,
            attempts=attempts,
            model=model,
        )

    if config is None:
        return fallback("unavailable: no OpenAI key configured", TokenUsage(), 0, None)
    # Refuse what our engine refuses before spending tokens (days, meals, inconsistent targets).
    plan_request_check(request)
    client = openai.OpenAI(
        api_key=config.api_key,
        base_url=config.base_url,
        timeout=config.timeout_seconds,
        max_retries=config.max_retries,
    )
    conversation: list[dict[str, str]] = [
        {"role": "user", "content": _prompt(request, excluded_food_names)}
    ]
    usage = TokenUsage()
    problems: list[str] = []
    for attempt in (1, 2):
        try:
            raw = client.responses.with_raw_response.parse(
                model=config.model,
                instructions=INSTRUCTIONS,
                input=conversation,  # type: ignore[arg-type]
                text_format=AIPlan,
                max_output_tokens=MAX_OUTPUT_TOKENS,
            )
        except openai.OpenAIError as exc:
            return fallback(_fallback_reason(exc), usage, attempt, config.model)
        try:
            body = raw.http_response.json()
        except ValueError:
            body = None
        usage = usage + _usage(body)
        answer_text = ""
        try:
            response = raw.parse()
            answer_text = response.output_text
            plan = response.output_parsed
            if plan is None:
                problems = ["no plan in the answer (refused or empty)"]
            else:
                checked = _check_plan(plan, request, food_resolver)
                problems = checked.problems
                if not problems:
                    return PlanResult(
                        engine="openai",
                        days=tuple(checked.days),
                        seed=seed,
                        requested_engine="openai",
                        usage=usage,
                        attempts=attempt,
                        model=config.model,
                        notes=tuple(checked.notes),
                    )
        except (pydantic.ValidationError, ValueError):
            problems = ["the answer is not valid JSON of the plan schema"]
        if attempt == 1:
            if answer_text:
                conversation.append({"role": "assistant", "content": answer_text})
            conversation.append(
                {
                    "role": "user",
                    "content": "That plan cannot be used:\n- "
                    + "\n- ".join(problems[:20])
                    + "\nWrite the whole plan again, fixing these.",
                }
            )
    shown = "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else "")
    return fallback(f"unusable_answer: {shown}", usage, 2, config.model)
