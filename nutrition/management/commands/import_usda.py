"""``manage.py import_usda``: load or refresh the USDA food table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from nutrition.services import usda_import
from nutrition.services.foods import USDA_DIR


class Command(BaseCommand):
    help = (
        "Import the USDA food composition table (nutrition/data/usda: foods.csv with per-100 g "
        "nutrients, portions.csv with household measures) into the food database. Idempotent: "
        "foods are matched on USDA's id and portions on (food, seq), so a second run changes "
        "nothing, and a run on a newer release adds new foods, updates changed ones (with "
        "their derived allergens and diet flags, recomputing the recipes made of them), and "
        "replaces changed portions. Prints what was added, updated and unchanged. Custom "
        "foods of users are never touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--foods",
            type=Path,
            default=USDA_DIR / "foods.csv",
            help="foods CSV in the nutrition/data/usda/README.md format (default: %(default)s)",
        )
        parser.add_argument(
            "--portions",
            type=Path,
            default=USDA_DIR / "portions.csv",
            help="portions CSV in the same format (default: %(default)s)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs, CI)")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["no_progress"] or options["verbosity"] == 0
        with Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=quiet,
            transient=False,
        ) as bar:
            tasks: dict[str, Any] = {}

            def progress(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total)
                bar.update(tasks[step], completed=done)

            report = usda_import(
                foods_csv=options["foods"], portions_csv=options["portions"], progress=progress
            )
        self.stdout.write(
            f"Foods: {report.foods_added} added, {report.foods_updated} updated, "
            f"{report.foods_unchanged} unchanged."
        )
        self.stdout.write(
            f"Portions: {report.portions_added} added, {report.portions_updated} updated, "
            f"{report.portions_unchanged} unchanged, {report.portions_removed} removed."
        )
        if report.recipes_refreshed:
            self.stdout.write(
                f"Recipes: {report.recipes_refreshed} recomputed from their updated foods."
            )
        if report.foods_absent:
            shown = ", ".join(report.foods_absent[:10])
            more = len(report.foods_absent) - 10
            tail = f" and {more} more" if more > 0 else ""
            self.stdout.write(
                f"{len(report.foods_absent)} USDA foods are not in this release and were kept "
                f"(recipes and plans may use them): {shown}{tail}."
            )
