"""Our engine on synthetic recipe libraries (no database): tolerances, hard rules, no repeats,
and infeasible requests that name the constraint."""

from __future__ import annotations

import random

import pytest

from nutrition.planner import (
    Infeasible,
    Nutrients,
    PlanRequest,
    RecipeOption,
    plan_day_generate,
    plan_generate,
    portions_fit,
)
from nutrition.planner.rules import fits_diet, slots_for

BASE_KCAL = {"breakfast": 450, "lunch": 600, "dinner": 650, "snack": 220}
TAG_SETS = (
    frozenset({"vegan", "gluten-free"}),
    frozenset({"vegetarian"}),
    frozenset({"pescatarian", "dairy-free"}),
    frozenset(),  # meat
    frozenset({"vegan"}),
    frozenset({"vegetarian", "gluten-free"}),
)
ALLERGEN_SETS = (frozenset(), frozenset({"milk"}), frozenset({"peanuts"}), frozenset({"egg"}))


def library(count: int = 200, seed: int = 1) -> list[RecipeOption]:
    """A varied synthetic library: every meal type, diet and a few allergens, macro splits from
    15 to 40 % protein."""
    rng = random.Random(seed)
    recipes = []
    for i in range(count):
        meal_type = ("breakfast", "lunch", "dinner", "snack")[i % 4]
        kcal = BASE_KCAL[meal_type] * rng.uniform(0.7, 1.3)
        protein, fat = rng.uniform(0.15, 0.40), rng.uniform(0.20, 0.45)
        carbs = 1 - protein - fat
        tags = TAG_SETS[(i // 4) % len(TAG_SETS)]
        allergens = ALLERGEN_SETS[(i // 7) % len(ALLERGEN_SETS)]
        if "vegan" in tags:
            allergens = allergens - {"milk", "egg"}
        recipes.append(
            RecipeOption(
                id=i + 1,
                slug=f"recipe-{i + 1}",
                meal_types=frozenset({meal_type} | ({"dinner"} if meal_type == "lunch" else set())),
                prep_minutes=(5, 10, 20, 30, 45)[i % 5],
                per_serving=Nutrients(kcal, kcal * protein / 4, kcal * carbs / 4, kcal * fat / 9),
                tags=tags,
                allergens=allergens,
                food_ids=frozenset({f"food-{i % 30}", f"food-{(i * 7) % 30}"}),
                cuisine=("italian", "thai", "mexican")[i % 3],
            )
        )
    return recipes


def request_for(kcal: float = 2200, **overrides) -> PlanRequest:
    values = {
        "days": 7,
        "meals_per_day": 4,
        "kcal": kcal,
        "protein_g": kcal * 0.30 / 4,
        "carbs_g": kcal * 0.40 / 4,
        "fat_g": kcal * 0.30 / 9,
    }
    values.update(overrides)
    return PlanRequest(**values)


@pytest.mark.parametrize(("kcal", "meals"), [(1400, 3), (2200, 4), (2800, 5), (3600, 6)])
def test_every_day_lands_within_five_percent_calories_and_ten_percent_macros(kcal, meals):
    recipes = library()
    plan = plan_generate(request_for(kcal, meals_per_day=meals), recipes)

    assert len(plan.days) == 7
    by_id = {r.id: r for r in recipes}
    for day in plan.days:
        assert [m.meal_type for m in day.meals] == list(slots_for(meals))
        assert day.within_tolerance
        assert abs(day.deviation["kcal"]) <= 0.05
        for macro in ("protein_g", "carbs_g", "fat_g"):
            assert abs(day.deviation[macro]) <= 0.10
        # totals are the recipes' servings, recomputed here
        kcal_total = sum(by_id[m.recipe_id].per_serving.kcal * m.servings for m in day.meals)
        assert day.totals.kcal == pytest.approx(kcal_total, abs=0.1)
        assert day.deviation["kcal"] == pytest.approx((kcal_total - kcal) / kcal, abs=1e-4)
        for meal in day.meals:
            assert meal.servings in (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5)
            assert meal.meal_type in by_id[meal.recipe_id].meal_types


@pytest.mark.parametrize(
    ("diet", "allergies"),
    [
        ("vegan", frozenset({"peanuts"})),
        ("vegetarian", frozenset({"milk"})),
        ("pescatarian", frozenset({"egg", "peanuts"})),
        ("gluten_free", frozenset()),
        ("omnivore", frozenset({"milk", "egg"})),
    ],
)
def test_a_plan_never_breaks_the_diet_or_an_allergy(diet, allergies):
    recipes = library(400)
    plan = plan_generate(request_for(diet=diet, allergies=allergies, days=5), recipes)

    by_id = {r.id: r for r in recipes}
    used = [by_id[m.recipe_id] for m in plan.meals]
    assert len(used) == 20
    assert all(fits_diet(diet, r.tags, r.allergens) for r in used)
    assert all(not (r.allergens & allergies) for r in used)


def test_excluded_foods_cuisines_and_prep_time_are_respected():
    recipes = library(400)
    request = request_for(
        excluded_food_ids=frozenset({"food-0", "food-7"}),
        cuisines=frozenset({"italian", "thai"}),
        max_prep_minutes=30,
        days=3,
    )
    plan = plan_generate(request, recipes)

    by_id = {r.id: r for r in recipes}
    used = [by_id[m.recipe_id] for m in plan.meals]
    assert len(used) == 12
    assert all(not (r.food_ids & {"food-0", "food-7"}) for r in used)
    assert {r.cuisine for r in used} <= {"italian", "thai"}
    assert max(r.prep_minutes for r in used) <= 30


def test_no_recipe_repeats_within_three_days_nor_within_a_day():
    plan = plan_generate(request_for(days=14, meals_per_day=6), library())

    days = [[m.recipe_id for m in day.meals] for day in plan.days]
    for index, recipes in enumerate(days):
        assert len(set(recipes)) == len(recipes)
        window = {r for later in days[index + 1 : index + 3] for r in later}
        assert not (set(recipes) & window)


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    recipes = library()
    first = plan_generate(request_for(), recipes, seed=7)
    again = plan_generate(request_for(), recipes, seed=7)
    other = plan_generate(request_for(), recipes, seed=8)

    assert first == again
    assert [m.recipe_id for m in first.meals] != [m.recipe_id for m in other.meals]


def test_a_meal_type_no_recipe_fits_names_the_prep_time_and_what_would_work():
    recipes = library()
    with pytest.raises(Infeasible) as caught:
        plan_generate(request_for(diet="vegan", max_prep_minutes=4), recipes)

    error = caught.value
    assert error.constraint == "max_prep_minutes"
    assert error.attr == "max_prep_minutes"
    assert error.meal_type == "breakfast"
    assert error.message == "no vegan breakfast under 4 minutes"
    assert error.suggestion == "raise max prep to 5 minutes"


def test_the_cuisine_filter_is_named_when_dropping_it_would_help():
    recipes = [r for r in library() if not (r.cuisine == "thai" and "breakfast" in r.meal_types)]
    with pytest.raises(Infeasible) as caught:
        plan_generate(request_for(cuisines=frozenset({"thai"})), recipes)

    assert caught.value.constraint == "cuisines"
    assert caught.value.message == "no breakfast in thai cuisine"
    assert caught.value.suggestion == "drop the cuisine filter"


def test_a_diet_without_snacks_is_named_as_the_diet():
    recipes = [
        r
        for r in library()
        if not ("snack" in r.meal_types and fits_diet("vegan", r.tags, r.allergens))
    ]
    with pytest.raises(Infeasible) as caught:
        plan_generate(request_for(diet="vegan"), recipes)

    assert caught.value.constraint == "diet"
    assert caught.value.meal_type == "snack"
    assert caught.value.message == "no vegan snack"


def test_an_unreachable_protein_target_names_protein_and_the_closest_reachable():
    # every recipe is 15 % protein: 100 g of protein in 1,800 kcal (22 %) cannot be reached
    recipes = [
        RecipeOption(
            id=i,
            slug=f"r{i}",
            meal_types=frozenset({meal_type}),
            prep_minutes=10,
            per_serving=Nutrients(500 + i, 500 * 0.15 / 4, 500 * 0.55 / 4, 500 * 0.30 / 9),
        )
        for i, meal_type in enumerate(["breakfast", "lunch", "dinner"] * 5)
    ]
    request = request_for(1800, meals_per_day=3, days=1, protein_g=100, carbs_g=247, fat_g=60)
    with pytest.raises(Infeasible) as caught:
        plan_generate(request, recipes)

    error = caught.value
    assert error.constraint == "protein_g"
    assert error.day == 1
    assert error.message == (
        "the protein target of 100 g cannot be met within 10 % with the allowed recipes while "
        "the other targets hold (closest: 70 g)"
    )
    assert error.suggestion == (
        "set protein to about 70 g, or widen the diet, cuisine or prep-time filters"
    )


def test_too_few_recipes_for_no_repeats_is_named_variety():
    recipes = [
        RecipeOption(
            id=i,
            slug=f"r{i}",
            meal_types=frozenset({meal_type}),
            prep_minutes=10,
            per_serving=Nutrients(600, 600 * 0.3 / 4, 600 * 0.4 / 4, 600 * 0.3 / 9),
        )
        for i, meal_type in enumerate(["breakfast", "lunch", "dinner"] * 2)
    ]
    request = request_for(1800, meals_per_day=3, days=3)
    with pytest.raises(Infeasible) as caught:
        plan_generate(request, recipes)

    assert caught.value.constraint == "variety"
    assert caught.value.day == 3
    assert caught.value.attr == "days"
    assert caught.value.message == (
        "not enough distinct recipes to plan day 3 without repeating a recipe within 3 days"
    )
    assert caught.value.suggestion == "plan 2 days"


def test_macros_that_cannot_sum_to_the_calories_are_refused_before_solving():
    with pytest.raises(Infeasible) as caught:
        plan_generate(request_for(2000, protein_g=300, carbs_g=300, fat_g=100), library())

    assert caught.value.constraint == "targets"
    assert caught.value.attr == "kcal"
    assert caught.value.message == (
        "the macros add up to 3300 kcal (4 per g of protein and carbs, 9 per g of fat), not "
        "the 2000 kcal target"
    )


@pytest.mark.parametrize(("field", "value"), [("days", 0), ("days", 15), ("meals_per_day", 7)])
def test_days_and_meals_out_of_range_are_refused(field, value):
    with pytest.raises(Infeasible) as caught:
        plan_generate(request_for(**{field: value}), library())

    assert caught.value.constraint == field


def test_a_swap_keeps_the_other_meals_and_changes_the_swapped_one():
    recipes = library()
    request = request_for(days=1)
    day = plan_generate(request, recipes).days[0]
    kept = {m.slot: m.recipe_id for m in day.meals if m.slot != 2}
    swapped = day.meals[2].recipe_id

    again = plan_day_generate(
        request, recipes, day=1, avoid_recipe_ids=frozenset({swapped}), fixed=kept
    )

    assert {m.slot: m.recipe_id for m in again.meals if m.slot != 2} == kept
    assert again.meals[2].recipe_id != swapped
    assert again.within_tolerance


def test_portions_fit_scales_chosen_meals_onto_the_targets():
    meals = [
        RecipeOption(
            id=-1,
            slug=name,
            meal_types=frozenset({name}),
            prep_minutes=10,
            per_serving=Nutrients(400, 30, 40, 400 * 0.3 / 9),
        )
        for name in ("breakfast", "lunch", "dinner")
    ]
    day = portions_fit(
        meals, ("breakfast", "lunch", "dinner"), Nutrients(1800, 135, 180, 60), day=2
    )

    assert [m.servings for m in day.meals] == [1.5, 1.5, 1.5]
    assert day.totals == Nutrients(1800.0, 135.0, 180.0, 60.0)
    assert day.deviation == {"kcal": 0.0, "protein_g": 0.0, "carbs_g": 0.0, "fat_g": 0.0}


def test_portions_that_cannot_fit_name_the_nutrient():
    meals = [
        RecipeOption(
            id=-1,
            slug="tiny",
            meal_types=frozenset({"breakfast"}),
            prep_minutes=5,
            per_serving=Nutrients(100, 5, 10, 4),
        )
    ] * 3
    with pytest.raises(Infeasible) as caught:
        portions_fit(meals, ("breakfast",) * 3, Nutrients(2500, 150, 300, 80), day=1)

    assert caught.value.constraint == "targets"
    assert caught.value.day == 1
