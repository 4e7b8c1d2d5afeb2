"""Foods, recipes and plan templates for `make run`: the USDA table (import_usda), the recipe
library of nutrition/data/recipes and the templates (load_recipes). Both are idempotent, so a
second run only reports everything unchanged."""

from __future__ import annotations

from typing import Any

from nutrition.services import recipe_library_load, templates_load, usda_import


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
