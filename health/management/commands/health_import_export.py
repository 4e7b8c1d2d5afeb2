"""Import an Apple Health export for a user from the command line."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.selectors import user_get_by_email
from health import services


class Command(BaseCommand):
    help = (
        "Import an Apple Health export (the export.zip from Health's \"Export All Health "
        "Data\", or its export.xml) into a user's health data, now, with the same streaming "
        "import the upload endpoint's worker runs. All or nothing: a malformed, truncated or "
        "dangerous export stores nothing (exit status 2). Running it again stores nothing "
        "twice. The import is recorded among the user's imports; the file is not copied."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user", required=True, metavar="EMAIL", help="the account to import into"
        )
        parser.add_argument("path", type=Path, metavar="PATH", help="export.zip or export.xml")
        parser.add_argument(
            "--no-progress", action="store_true", help="print only the final summary line"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        user = user_get_by_email(email=options["user"])
        if user is None:
            raise CommandError(f"No active account has the email {options['user']!r}.")
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        started = time.monotonic()
        show = not options["no_progress"]

        def progress(step: services.ImportProgress) -> None:
            if show:
                self.stdout.write(
                    f"\r{step.percent:3d}%  {step.records_seen:,} records, "
                    f"{step.samples_stored:,} stored",
                    ending="",
                )
                self.stdout.flush()

        health_import = services.apple_health_export_file_import(
            user=user, path=path, on_progress=progress
        )
        if show:
            self.stdout.write("")
        seconds = time.monotonic() - started
        if health_import.error_code:
            raise CommandError(
                f"Import {health_import.pk} failed ({health_import.error_code}): "
                f"{health_import.error} Nothing was stored.",
                returncode=2,
            )
        rate = health_import.records_seen / seconds if seconds else 0.0
        self.stdout.write(
            f"Import {health_import.pk} succeeded: {health_import.records_seen} records, "
            f"{health_import.samples_stored} stored, {health_import.samples_unchanged} "
            f"unchanged, {health_import.skipped} skipped in {seconds:.1f} s "
            f"({rate:,.0f} records/s)."
        )
