"""Load demo content: every installed app's ``demo.seed()``, idempotently."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Load demo content for a local run: calls seed(stdout=...) in each installed app's "
        "demo.py (accounts creates a demo admin and a demo user and prints their credentials). "
        "Safe to run again: nothing is duplicated. Refused when DJANGO_ENV=production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", nargs="*", metavar="APP", help="seed only these apps (labels, e.g. accounts)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo content is for local runs; DJANGO_ENV is production.")
        only = set(options.get("only") or [])
        for config in apps.get_app_configs():
            if only and config.label not in only:
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout)
