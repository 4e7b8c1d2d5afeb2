"""Our meal-plan engine: a mixed-integer program per day, solved by HiGHS (scipy.optimize.milp).

For each day and each slot (breakfast, lunch, snack...) it picks one recipe among the ones the
hard rules allow (:mod:`nutrition.planner.rules`) and a portion of 0.5 to 2.5 servings in
quarter servings, so that the day's calories land within 5 % of the target and protein, carbs
and fat each within 10 % of theirs (hard constraints), minimising the summed relative
deviation plus a small variety term (a seeded jitter and a cost per earlier use of the recipe).
A recipe used on day d is not offered on days d+1 and d+2, nor twice in a day.

Days are solved one after another with that memory: each is a small MILP (a few hundred
variables), which keeps a 7-day plan well under a second. Each day first tries a seeded sample
of candidates per slot (fast, and varied), then all of them.

When a day cannot be planned, :func:`diagnose` finds which constraint is to blame by relaxing
one at a time, and :class:`Infeasible` says which and what would work instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from . import rules
from .types import (
    KCAL_TOLERANCE,
    MACRO_TOLERANCE,
    MAX_DAYS,
    MAX_MEALS,
    MAX_SERVINGS,
    MIN_DAYS,
    MIN_MEALS,
    MIN_SERVINGS,
    NO_REPEAT_DAYS,
    NUTRIENTS,
    SERVING_STEP,
    ZERO,
    DayResult,
    Infeasible,
    Nutrients,
    PlannedMeal,
    PlanRequest,
    PlanResult,
    RecipeOption,
)

SAMPLE_PER_SLOT = 12  # candidates per slot in the first (fast) attempt, then twice as many
TIME_LIMIT_S = 2.0  # per MILP (a safety net: a day's searches take milliseconds)
MIP_GAP = 1e-4
# Portion levels: 0.5, 0.75, ..., 2 servings.
LEVELS = tuple(
    SERVING_STEP * k
    for k in range(round(MIN_SERVINGS / SERVING_STEP), round(MAX_SERVINGS / SERVING_STEP) + 1)
)
# The recipe search uses half-serving portions (a smaller MILP); the portions of the recipes
# found are then refined to quarter servings by enumeration.
SEARCH_LEVELS = (0.5, 1.0, 1.5, 2.0, 2.5)
# Objective weights: relative deviation of kcal counts twice a macro's.
WEIGHTS = (2.0, 1.0, 1.0, 1.0)
PORTION_COST = 0.001  # per squared serving away from one, in the portions' objective
LABELS = {"kcal": "calories", "protein_g": "protein", "carbs_g": "carbs", "fat_g": "fat"}
UNITS = {"kcal": "kcal", "protein_g": "g", "carbs_g": "g", "fat_g": "g"}
TOLERANCES = (KCAL_TOLERANCE, MACRO_TOLERANCE, MACRO_TOLERANCE, MACRO_TOLERANCE)


@dataclass(frozen=True)
class _Choice:
    recipe: RecipeOption
    servings: float


# --- the MILP ----------------------------------------------------------------------------


def _solve(
    candidates: Sequence[Sequence[RecipeOption]],
    targets: Nutrients,
    *,
    tolerances: Sequence[float | None] = TOLERANCES,
    weights: Sequence[float] | None = None,
    time_limit: float = TIME_LIMIT_S,
    levels: Sequence[float] = LEVELS,
    day_of_slot: Sequence[int] | None = None,
) -> list[_Choice] | None:
    """One recipe and a portion per slot such that each nutrient's relative deviation from its
    target is within ``tolerances[i]`` (None: unbounded); None when there is no such day.

    Variables: one binary per (slot, candidate, portion level), exactly one per slot, a recipe
    at most once a day. Without ``weights`` this is a feasibility problem (HiGHS stops at the
    first plan found, which is what makes a day fast); with them it minimises the weighted sum
    of relative deviations (used on small problems: the portions of chosen recipes, and the
    diagnosis).
    """
    if any(not slot for slot in candidates):
        return None
    index = [
        (s, recipe, level)
        for s, slot in enumerate(candidates)
        for recipe in slot
        for level in levels
    ]
    n = len(index)
    # x per (slot, recipe, level); then d per nutrient when minimising deviations
    n_vars = n + (4 if weights is not None else 0)
    target = np.array(targets.as_tuple(), dtype=float)
    share = (
        np.array([np.array(recipe.per_serving.as_tuple()) * level for _, recipe, level in index]).T
        / np.maximum(target, 1e-6)[:, None]
    )  # 4 x n: each choice's share of each target

    row_ids: list[int] = []
    col_ids: list[int] = []
    values: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(cols: Sequence[int], coefs: Sequence[float], lo: float, hi: float) -> None:
        row_ids.extend([len(lower)] * len(cols))
        col_ids.extend(cols)
        values.extend(coefs)
        lower.append(lo)
        upper.append(hi)

    by_slot: dict[int, list[int]] = {}
    by_recipe: dict[int, list[int]] = {}
    slots_of: dict[int, set[int]] = {}
    for j, (s, recipe, _) in enumerate(index):
        by_slot.setdefault(s, []).append(j)
        by_recipe.setdefault(recipe.id, []).append(j)
        slots_of.setdefault(recipe.id, set()).add(s)
    for cols in by_slot.values():  # one choice per slot
        add(cols, [1.0] * len(cols), 1, 1)
    for recipe_id, cols in by_recipe.items():  # a recipe at most once a day
        if len(slots_of[recipe_id]) > 1:
            add(cols, [1.0] * len(cols), -np.inf, 1)
    everything = list(range(n))
    # Several days at once (``day_of_slot``): the tolerances hold per day, and "a recipe at
    # most once" above then spans all of them.
    days = day_of_slot or [0] * len(candidates)
    per_day: dict[int, list[int]] = {}
    for j, (s, _, _) in enumerate(index):
        per_day.setdefault(days[s], []).append(j)
    for i in range(4):
        tol = tolerances[i]
        if tol is not None:
            for cols in per_day.values():
                add(cols, list(share[i][cols]), 1 - tol, 1 + tol)
        if weights is not None:
            assert len(per_day) == 1, "deviations are minimised for one day"
            d = n + i  # share - d <= 1 and share + d >= 1: d >= |share - 1|
            add([*everything, d], [*share[i], -1.0], -np.inf, 1)
            add([*everything, d], [*share[i], 1.0], 1, np.inf)

    objective = np.zeros(n_vars)
    if weights is not None:
        objective[n:] = weights
    integrality = np.zeros(n_vars)
    integrality[:n] = 1
    upper_bounds = np.concatenate([np.ones(n), np.full(n_vars - n, np.inf)])
    matrix = coo_matrix((values, (row_ids, col_ids)), shape=(len(lower), n_vars)).tocsr()
    result = milp(
        objective,
        constraints=LinearConstraint(matrix, np.array(lower), np.array(upper)),
        integrality=integrality,
        bounds=Bounds(np.zeros(n_vars), upper_bounds),
        options={"time_limit": time_limit, "mip_rel_gap": MIP_GAP, "presolve": True},
    )
    if result.x is None:
        return None
    choices: list[_Choice] = []
    for s in range(len(candidates)):
        picked = [j for j in by_slot[s] if result.x[j] > 0.5]
        if len(picked) != 1:
            return None
        _, recipe, level = index[picked[0]]
        choices.append(_Choice(recipe, float(level)))
    return choices


def _best_portions(
    meals: Sequence[RecipeOption],
    targets: Nutrients,
    tolerances: Sequence[float | None] = TOLERANCES,
    *,
    near: Sequence[float] | None = None,
) -> list[_Choice] | None:
    """The portions of fixed meals that minimise the weighted relative deviation within the
    tolerances, by enumerating combinations of levels (vectorised). With ``near`` (a feasible
    portion per meal) and five or more meals, only levels within a quarter serving of it are
    tried (3**6 combinations instead of 7**6)."""
    per_meal = []
    for m in range(len(meals)):
        if near is not None and len(meals) >= 5:
            per_meal.append(np.array([lv for lv in LEVELS if abs(lv - near[m]) <= SERVING_STEP]))
        else:
            per_meal.append(np.array(LEVELS))
    per_serving = np.array([meal.per_serving.as_tuple() for meal in meals])  # m x 4
    target = np.maximum(np.array(targets.as_tuple()), 1e-6)
    grids = np.meshgrid(*per_meal, indexing="ij")
    combos = np.stack([grid.ravel() for grid in grids], axis=1)  # c x m
    shares = combos @ per_serving / target - 1  # c x 4: relative deviations
    ok = np.ones(len(combos), dtype=bool)
    for i, tol in enumerate(tolerances):
        if tol is not None:
            ok &= np.abs(shares[:, i]) <= tol + 1e-12
    if not ok.any():
        return None
    # Ties (and near-ties) go to portions nearer one serving.
    score = np.abs(shares) @ np.array(WEIGHTS) + PORTION_COST * ((combos - 1) ** 2).sum(axis=1)
    score[~ok] = np.inf
    best = int(np.argmin(score))
    return [_Choice(meal, float(level)) for meal, level in zip(meals, combos[best], strict=True)]


def _deviation(totals: Nutrients, targets: Nutrients) -> dict[str, float]:
    return {
        name: round((total - target) / target, 4) if target else 0.0
        for name, total, target in zip(
            NUTRIENTS, totals.as_tuple(), targets.as_tuple(), strict=True
        )
    }


def _day_result(
    day: int, meal_types: Sequence[str], choices: Sequence[_Choice], targets: Nutrients
) -> DayResult:
    meals = []
    totals = ZERO
    for slot, (meal_type, choice) in enumerate(zip(meal_types, choices, strict=True)):
        nutrients = choice.recipe.per_serving.scaled(choice.servings)
        totals = totals + nutrients
        meals.append(
            PlannedMeal(
                day=day,
                slot=slot,
                meal_type=meal_type,
                recipe_id=choice.recipe.id,
                servings=choice.servings,
                nutrients=_rounded(nutrients),
            )
        )
    return DayResult(
        day=day,
        meals=tuple(meals),
        totals=_rounded(totals),
        targets=targets,
        deviation=_deviation(totals, targets),
    )


def _rounded(n: Nutrients) -> Nutrients:
    return Nutrients(
        round(n.kcal, 1), round(n.protein_g, 1), round(n.carbs_g, 1), round(n.fat_g, 1)
    )


# --- request checks ------------------------------------------------------------------------


def plan_request_check(request: PlanRequest) -> None:
    """Refuse a request no engine can plan (days, meals a day, targets that contradict)."""
    if not MIN_DAYS <= request.days <= MAX_DAYS:
        raise Infeasible(
            "days", f"days must be {MIN_DAYS} to {MAX_DAYS}", f"ask for {MAX_DAYS} days or fewer"
        )
    if not MIN_MEALS <= request.meals_per_day <= MAX_MEALS:
        raise Infeasible(
            "meals_per_day",
            f"meals per day must be {MIN_MEALS} to {MAX_MEALS}",
            f"ask for {MIN_MEALS} to {MAX_MEALS} meals a day",
        )
    if min(request.targets.as_tuple()) <= 0:
        raise Infeasible("targets", "every target must be positive", "set each target above 0")
    from_macros = 4 * request.protein_g + 4 * request.carbs_g + 9 * request.fat_g
    if abs(from_macros - request.kcal) > 0.15 * request.kcal:
        raise Infeasible(
            "targets",
            f"the macros add up to {from_macros:.0f} kcal (4 per g of protein and carbs, 9 per "
            f"g of fat), not the {request.kcal:.0f} kcal target",
            f"set the calorie target to about {from_macros:.0f} kcal or change the macros",
        )


def _describe(meal_type: str, request: PlanRequest) -> str:
    parts = []
    if rules.normalise_tag(request.diet) not in ("", "omnivore"):
        parts.append(request.diet.replace("_", "-"))
    parts.append(meal_type)
    if request.cuisines:
        parts.append(f"in {'/'.join(sorted(request.cuisines))} cuisine")
    if request.allergies:
        parts.append(f"free of {', '.join(sorted(request.allergies))}")
    if request.excluded_food_ids:
        parts.append("without the excluded foods")
    if request.max_prep_minutes is not None:
        parts.append(f"under {request.max_prep_minutes} minutes")
    return " ".join(parts)


def _unreachable_meal_type(
    meal_type: str, recipes: Sequence[RecipeOption], request: PlanRequest
) -> Infeasible:
    """Why no recipe of ``meal_type`` is allowed: the single filter whose removal helps."""
    pool = [r for r in recipes if meal_type in r.meal_types]
    if not pool:
        return Infeasible(
            "recipes",
            f"the recipe library has no {meal_type} recipe",
            "ask for fewer meals a day" if meal_type == "snack" else "add recipes",
            meal_type=meal_type,
        )
    reasons = {r.id: rules.filter_reason(r, request) for r in pool}

    def passes_without(field: str) -> list[RecipeOption]:
        return [r for r in pool if _reasons_without(r, request, field) is None]

    helpful: list[tuple[str, str]] = []
    prep_ok = passes_without("max_prep_minutes")
    if prep_ok and request.max_prep_minutes is not None:
        least = min(r.prep_minutes for r in prep_ok)
        helpful.append(("max_prep_minutes", f"raise max prep to {least} minutes"))
    if request.cuisines and passes_without("cuisines"):
        helpful.append(("cuisines", "drop the cuisine filter"))
    if request.excluded_food_ids and passes_without("excluded_foods"):
        helpful.append(("excluded_foods", "exclude fewer foods"))
    message = f"no {_describe(meal_type, request)}"
    if helpful:
        return Infeasible(
            helpful[0][0],  # type: ignore[arg-type]
            message,
            " or ".join(text for _, text in helpful),
            meal_type=meal_type,
        )
    # Only the diet or the allergies rule them all out.
    blocking = "diet" if any(reason == "diet" for reason in reasons.values()) else "allergies"
    return Infeasible(
        blocking,  # type: ignore[arg-type]
        message,
        (
            f"ask for {MIN_MEALS} meals a day (no snacks)"
            if meal_type == "snack"
            else "choose another diet"
            if blocking == "diet"
            else "add recipes"
        )
        + f" (the library has no {meal_type} for this "
        + f"{'diet' if blocking == 'diet' else 'set of allergies'})",
        meal_type=meal_type,
    )


def _reasons_without(recipe: RecipeOption, request: PlanRequest, field: str) -> str | None:
    relaxed = PlanRequest(
        days=request.days,
        meals_per_day=request.meals_per_day,
        kcal=request.kcal,
        protein_g=request.protein_g,
        carbs_g=request.carbs_g,
        fat_g=request.fat_g,
        diet=request.diet,
        allergies=request.allergies,
        excluded_food_ids=frozenset() if field == "excluded_foods" else request.excluded_food_ids,
        cuisines=frozenset() if field == "cuisines" else request.cuisines,
        max_prep_minutes=None if field == "max_prep_minutes" else request.max_prep_minutes,
    )
    return rules.filter_reason(recipe, relaxed)


# --- the engine --------------------------------------------------------------------------


class _Planner:
    def __init__(self, request: PlanRequest, recipes: Sequence[RecipeOption], seed: int) -> None:
        plan_request_check(request)
        self.request = request
        self.seed = seed
        self.meal_types = rules.slots_for(request.meals_per_day)
        self.allowed = [r for r in recipes if rules.allowed(r, request)]
        self.by_type: dict[str, list[RecipeOption]] = {}
        for meal_type in dict.fromkeys(self.meal_types):
            pool = sorted(
                (r for r in self.allowed if meal_type in r.meal_types), key=lambda r: r.id
            )
            if not pool:
                raise _unreachable_meal_type(meal_type, recipes, request)
            self.by_type[meal_type] = pool
        self.targets = request.targets

    def candidates(
        self,
        rng: np.random.Generator,
        avoid: frozenset[int],
        fixed: Mapping[int, RecipeOption],
        sample: int | None,
        uses: Mapping[int, int],
    ) -> list[list[RecipeOption]]:
        """Per slot: the allowed recipes of its meal type not in ``avoid``; with ``sample``,
        a seeded draw of that many, favouring recipes the plan has used less."""
        slots: list[list[RecipeOption]] = []
        for s, meal_type in enumerate(self.meal_types):
            if s in fixed:
                slots.append([fixed[s]])
                continue
            pool = [r for r in self.by_type[meal_type] if r.id not in avoid]
            if sample is not None and len(pool) > sample:
                weights = np.array([1.0 / (1 + uses.get(r.id, 0)) ** 2 for r in pool])
                picked = rng.choice(
                    len(pool), size=sample, replace=False, p=weights / weights.sum()
                )
                pool = [pool[i] for i in sorted(picked)]
            slots.append(pool)
        return slots

    def try_day(
        self,
        day: int,
        *,
        avoid: frozenset[int],
        uses: Mapping[int, int],
        fixed: Mapping[int, RecipeOption] | None = None,
    ) -> DayResult | None:
        """Find recipes meeting the tolerances (a feasibility MILP on a small seeded sample of
        candidates, then a larger one, then all), then the best portions for them."""
        fixed = fixed or {}
        rng = np.random.default_rng([self.seed, day])
        for sample in (SAMPLE_PER_SLOT, 2 * SAMPLE_PER_SLOT, None):
            slots = self.candidates(rng, avoid, fixed, sample, uses)
            choices = _solve(slots, self.targets, levels=SEARCH_LEVELS)
            if choices is not None:
                return self._portioned(day, choices)
        return None

    def day(
        self,
        day: int,
        *,
        avoid: frozenset[int],
        uses: Mapping[int, int],
        fixed: Mapping[int, RecipeOption] | None = None,
    ) -> DayResult:
        result = self.try_day(day, avoid=avoid, uses=uses, fixed=fixed)
        if result is None:
            raise self.diagnose(day, avoid, fixed or {})
        return result

    def window(
        self, first: int, last: int, *, avoid: frozenset[int], uses: Mapping[int, int]
    ) -> list[DayResult] | None:
        """Days ``first``..``last`` solved together, no recipe twice among them: the way out
        when planning one day at a time has used up a small pool (a strict diet) too early."""
        rng = np.random.default_rng([self.seed, first, last])
        slots: list[list[RecipeOption]] = []
        day_of_slot: list[int] = []
        for offset in range(last - first + 1):
            day_slots = self.candidates(rng, avoid, {}, None, uses)
            slots += day_slots
            day_of_slot += [offset] * len(day_slots)
        choices = _solve(slots, self.targets, levels=SEARCH_LEVELS, day_of_slot=day_of_slot)
        if choices is None:
            return None
        per_day = len(self.meal_types)
        return [
            self._portioned(first + offset, choices[offset * per_day : (offset + 1) * per_day])
            for offset in range(last - first + 1)
        ]

    def _portioned(self, day: int, choices: Sequence[_Choice]) -> DayResult:
        best = _best_portions(
            [choice.recipe for choice in choices],
            self.targets,
            near=[choice.servings for choice in choices],
        )
        return _day_result(day, self.meal_types, best or choices, self.targets)

    def diagnose(
        self, day: int, avoid: frozenset[int], fixed: Mapping[int, RecipeOption]
    ) -> Infeasible:
        """Relax one constraint at a time to name the one that makes ``day`` impossible."""
        rng = np.random.default_rng([self.seed, day, 1])
        everything = self.candidates(rng, frozenset(), fixed, None, {})
        if avoid and any(not slot for slot in self.candidates(rng, avoid, fixed, None, {})):
            return self._variety(day)
        if avoid and _solve(everything, self.targets) is not None:
            return self._variety(day)
        # Which single nutrient, freed, allows a plan, and how close can it get?
        closest: list[tuple[float, int, Nutrients]] = []
        for i in range(4):
            tolerances: list[float | None] = list(TOLERANCES)
            tolerances[i] = None
            if _solve(everything, self.targets, tolerances=tolerances) is None:
                continue
            weights = [0.0, 0.0, 0.0, 0.0]
            weights[i] = 1.0
            choices = _solve(
                everything, self.targets, tolerances=tolerances, weights=weights, time_limit=1.0
            )
            if choices is not None:
                totals = sum((c.recipe.per_serving.scaled(c.servings) for c in choices), ZERO)
                achieved = totals.as_tuple()[i]
                target = self.targets.as_tuple()[i]
                closest.append((abs(achieved - target) / target, i, totals))
        if closest:
            _, i, totals = min(closest)
            name = NUTRIENTS[i]
            achieved = totals.as_tuple()[i]
            target = self.targets.as_tuple()[i]
            unit = UNITS[name]
            within = "5 %" if i == 0 else "10 %"
            return Infeasible(
                name,  # type: ignore[arg-type]
                f"the {LABELS[name]} target of {target:.0f} {unit} cannot be met within "
                f"{within} with the allowed recipes while the other targets hold (closest: "
                f"{achieved:.0f} {unit})",
                f"set {LABELS[name]} to about {achieved:.0f} {unit}, or widen the diet, "
                "cuisine or prep-time filters",
                day=day,
            )
        free = _solve(
            everything, self.targets, tolerances=(None,) * 4, weights=WEIGHTS, time_limit=1.0
        )
        detail = ""
        if free is not None:
            totals = sum((c.recipe.per_serving.scaled(c.servings) for c in free), ZERO)
            detail = (
                f" (closest day: {totals.kcal:.0f} kcal, {totals.protein_g:.0f} g protein, "
                f"{totals.carbs_g:.0f} g carbs, {totals.fat_g:.0f} g fat)"
            )
        return Infeasible(
            "targets",
            f"the calorie and macro targets cannot be met together with the allowed "
            f"recipes{detail}",
            "change the macro split, the number of meals a day, or widen the filters",
            day=day,
        )

    def _variety(self, day: int) -> Infeasible:
        options = []
        if self.request.cuisines:
            options.append("drop the cuisine filter")
        if self.request.max_prep_minutes is not None:
            options.append("raise the max prep time")
        if self.request.meals_per_day > MIN_MEALS:
            options.append("ask for fewer meals a day")
        if day > 1:
            options.append(f"plan {day - 1} day{'s' if day > 2 else ''}")
        return Infeasible(
            "variety",
            f"not enough distinct recipes to plan day {day} without repeating a recipe "
            f"within {NO_REPEAT_DAYS} days",
            ", or ".join(options) or "add recipes",
            day=day,
        )


def _recent(days: Sequence[DayResult], day: int) -> frozenset[int]:
    """Recipes of the days before ``day`` within the no-repeat window."""
    return frozenset(
        meal.recipe_id
        for planned in days
        if 0 < day - planned.day < NO_REPEAT_DAYS
        for meal in planned.meals
        if meal.recipe_id is not None
    )


def _uses(days: Sequence[DayResult]) -> dict[int, int]:
    uses: dict[int, int] = {}
    for planned in days:
        for meal in planned.meals:
            if meal.recipe_id is not None:
                uses[meal.recipe_id] = uses.get(meal.recipe_id, 0) + 1
    return uses


def plan_generate(
    request: PlanRequest, recipes: Sequence[RecipeOption], *, seed: int = 0
) -> PlanResult:
    """A plan of ``request.days`` days from ``recipes`` (our engine). Deterministic for a
    given request, library and seed. Raises :class:`Infeasible` naming the constraint.

    Days are planned one at a time; when a day finds no recipes left that the no-repeat rule
    allows, it and the day or two before it are planned again together."""
    planner = _Planner(request, recipes, seed)
    days: list[DayResult] = []
    day = 1
    while day <= request.days:
        avoid = _recent(days, day)
        result = planner.try_day(day, avoid=avoid, uses=_uses(days))
        if result is not None:
            days.append(result)
            day += 1
            continue
        first = max(1, day - (NO_REPEAT_DAYS - 1))
        kept = days[: first - 1]
        window = None
        if first < day:
            window = planner.window(first, day, avoid=_recent(kept, first), uses=_uses(kept))
        if window is None:
            raise planner.diagnose(day, avoid, {})
        days = kept + window
        day += 1
    return PlanResult(engine="optimiser", days=tuple(days), seed=seed)


def plan_day_generate(
    request: PlanRequest,
    recipes: Sequence[RecipeOption],
    *,
    day: int,
    avoid_recipe_ids: frozenset[int] = frozenset(),
    fixed: Mapping[int, int] | None = None,
    seed: int = 0,
) -> DayResult:
    """One day again (regenerate a day, or swap a meal).

    ``avoid_recipe_ids``: recipes not to use (the neighbouring days' within the no-repeat
    window, and for a swap the meal being replaced). ``fixed``: slot -> recipe id kept as is
    (a swap fixes every other slot; portions may still change to keep the day on target).
    """
    planner = _Planner(request, recipes, seed)
    by_id = {r.id: r for r in recipes}
    pinned = {slot: by_id[recipe_id] for slot, recipe_id in (fixed or {}).items()}
    return planner.day(day, avoid=avoid_recipe_ids, uses={}, fixed=pinned)


def portions_fit(
    meals: Sequence[RecipeOption], meal_types: Sequence[str], targets: Nutrients, *, day: int
) -> DayResult:
    """Servings (0.5-2.5, quarter steps) for a day whose meals are already chosen, so that the
    day meets the tolerances. Raises :class:`Infeasible` (the nutrient that cannot hold)."""
    choices = _best_portions(meals, targets)
    if choices is not None:
        return _day_result(day, meal_types, choices, targets)
    for i, name in enumerate(NUTRIENTS):
        tolerances: list[float | None] = list(TOLERANCES)
        tolerances[i] = None
        if _best_portions(meals, targets, tolerances) is not None:
            raise Infeasible(
                name,  # type: ignore[arg-type]
                f"no portions of these meals bring {LABELS[name]} within tolerance",
                "choose other meals",
                day=day,
            )
    raise Infeasible(
        "targets", "no portions of these meals meet the targets", "choose other meals", day=day
    )
