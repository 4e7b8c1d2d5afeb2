"""``manage.py load_recipes``: load the recipe library and the plan templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nutrition.services import recipe_library_load, templates_load
from nutrition.services.recipes import RECIPES_DIR, TEMPLATES_FILE


class Command(BaseCommand):
    help = (
        "Load the recipe library (every *.json file of nutrition/data/recipes: a recipe, a "
        'list of recipes, or {"recipes": [...]}) and the meal-plan templates '
        "(nutrition/data/templates.json). Recipes are upserted by slug; their nutrients, diet "
        "tags and allergens are recomputed from the USDA foods they are made of (run "
        "import_usda first). A recipe with a problem (missing field, unknown fdc_id, "
        "duplicate slug) is skipped and listed; the others load. --strict exits with status 1 "
        "when there is any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipes", type=Path, default=RECIPES_DIR, help="%(default)s")
        parser.add_argument("--templates", type=Path, default=TEMPLATES_FILE, help="%(default)s")
        parser.add_argument("--strict", action="store_true", help="fail on any problem")

    def handle(self, *args: Any, **options: Any) -> None:
        report = recipe_library_load(directory=options["recipes"])
        self.stdout.write(
            f"Recipes: {report.added} added, {report.updated} updated, {report.unchanged} "
            f"unchanged, {len(report.deactivated)} deactivated."
        )
        for problem in report.problems:
            self.stderr.write(f"  problem: {problem}")
        templates = templates_load(path=options["templates"])
        self.stdout.write(f"Templates: {templates} loaded.")
        if report.problems:
            message = f"{len(report.problems)} problem(s) in the recipe library (listed above)."
            if options["strict"]:
                raise CommandError(message)
            self.stderr.write(message)
