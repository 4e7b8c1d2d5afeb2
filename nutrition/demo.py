"""Foods, recipes and plan templates for `make run`: the USDA table (import_usda), the recipe
library of nutrition/data/recipes and the templates (load_recipes). Both are idempotent, so a
second run only reports everything unchanged."""

from __future__ import annotations

from typing import Any

from nutrition.services import recipe_library_load, templates_load, usda_import

DEMO_EMAIL = "user@fitcore.local"  # accounts.demo's demo user


def seed(*, stdout: Any) -> None:
    report = usda_import()
    stdout.write(
        f"  nutrition: foods {report.foods_added} added, {report.foods_updated} updated, "
        f"{report.foods_unchanged} unchanged"
    )
    library = recipe_library_load()
    stdout.write(
        f"  nutrition: recipes {library.added} added, {library.updated} updated, "
        f"{library.unchanged} unchanged"
        + (
            f", {len(library.problems)} with problems (manage.py load_recipes lists them)"
            if library.problems
            else ""
        )
    )
    stdout.write(f"  nutrition: {templates_load()} plan templates")
    _demo_plan(stdout=stdout)


def _demo_plan(*, stdout: Any) -> None:
    """A week's plan for the demo user (once), made by our engine."""
    from accounts.models import User
    from nutrition.models import MealPlan
    from nutrition.services.plans import (
        PlanInfeasible,
        meal_plan_generate,
        plan_params_resolve,
    )

    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None or MealPlan.objects.filter(user=user).exists():
        return
    params = plan_params_resolve(
        user=user, days=7, meals_per_day=4, kcal=2200, protein_g=140, carbs_g=250, fat_g=71
    )
    try:
        plan = meal_plan_generate(user=user, params=params, name="Demo week, 2,200 kcal")
    except PlanInfeasible as exc:
        stdout.write(f"  nutrition: no demo plan ({exc.detail})")
        return
    stdout.write(f"  nutrition: demo meal plan {plan.pk} for {DEMO_EMAIL}")
