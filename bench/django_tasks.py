"""Bench data, written through the app's own code against the bench database.

Run by the bench as ``python -m bench.django_tasks COMMAND ...`` with the environment of the
server under test (same DATABASE_URL, same secret key, so the tokens minted here verify
there). Each command prints one JSON object on stdout. Kept out of the apps on purpose: no
management command, only ``django.setup()``.

Commands:
  reset                      empty the token tables of the bench database (and what
                             references them)
  access-token --email E     a real access token (accounts.services.token_pair_issue)
  refresh-tokens --email E --count N --out FILE
                             N unused refresh tokens, one per line, each in its own family
  health-ingest-setup --batches N
                             N fresh users with an access token, N fresh heart-rate streams
                             of another user (bench.health_tasks)
  health-ingest-cleanup      delete the ingestion study's users and their data
  health-year                one year of heart rate and steps for the metrics/storage
                             studies, loaded through health_samples_upsert unless cached
  health-export-setup --out FILE --records N
                             an Apple Health export.xml of N records (unless FILE exists)
                             and a fresh user to import it into
  health-export-cleanup      delete that user and their data
  billing-storm-setup        the replay storm's price, 100 users with Stripe customers
                             (bench.billing_tasks; the previous run's storm data removed)
  billing-storm-verify       what the storm left: subscriptions, payments, entitlements,
                             stored events
  media-transcode --seconds N
                             a generated N-second 720p upload through media's pipeline,
                             timed, then deleted (bench.media_tasks)
  workouts-catalogue         10,000 published workouts with 40,000 videos (bulk_create and
                             workouts_index_refresh) unless cached, and the catalogue user's
                             access token (bench.workouts_tasks)
  foods-usda                 the USDA food table (usda_import) unless there, and the food
                             search user's access token (bench.nutrition_tasks)
  foods-million              custom foods on top of it up to 1,000,000 rows unless there
                             (bench.nutrition_tasks)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

BENCH_DATABASE = os.environ.get("BENCH_DATABASE") or "fitcore_bench"
BATCH = 5000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    # Guard: these commands truncate tables; they only ever touch the bench database.
    name = connection.settings_dict["NAME"]
    if name != BENCH_DATABASE:
        raise SystemExit(f"refusing to run against database {name!r} (not {BENCH_DATABASE})")


def _bench_user(email: str) -> Any:
    from accounts.models import User

    user, _ = User.objects.get_or_create(email=email, defaults={"name": "Bench"})
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def reset() -> dict[str, Any]:
    from django.db import connection

    from accounts.models import RefreshToken, TokenFamily

    tables = [RefreshToken._meta.db_table, TokenFamily._meta.db_table]
    with connection.cursor() as cursor:
        # CASCADE: also whatever references these rows (bench data only: guarded above).
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    return {"truncated": tables}


def access_token(email: str) -> dict[str, Any]:
    from accounts.services import token_pair_issue

    pair = token_pair_issue(user=_bench_user(email))
    return {"access": pair.access, "expires_at": pair.access_expires_at.isoformat()}


def refresh_tokens(email: str, count: int, out: Path) -> dict[str, Any]:
    """``count`` sign-ins, one unused refresh token each, rows exactly as ``_issue`` writes."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import RefreshToken, TokenFamily
    from accounts.services.tokens import _encode

    started = time.monotonic()
    user = _bench_user(email)
    subject = str(user.public_id)
    now = timezone.now().replace(microsecond=0)
    families = [TokenFamily(id=uuid.uuid4(), user=user, created_at=now) for _ in range(count)]
    rows = [
        RefreshToken(
            jti=uuid.uuid4(),
            family_id=family.id,
            parent_jti=None,
            access_jti=uuid.uuid4(),
            issued_at=now,
            expires_at=now + settings.REFRESH_TOKEN_LIFETIME,
        )
        for family in families
    ]
    with transaction.atomic():
        TokenFamily.objects.bulk_create(families, batch_size=BATCH)
        RefreshToken.objects.bulk_create(rows, batch_size=BATCH)
    with connection.cursor() as cursor:  # fresh planner statistics, as in a settled table
        cursor.execute(f"ANALYZE {TokenFamily._meta.db_table}, {RefreshToken._meta.db_table}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with tmp.open("w") as fh:
        for row in rows:
            fh.write(_encode(row=row, family_id=row.family_id, subject=subject).refresh)
            fh.write("\n")
    tmp.replace(out)
    return {"count": count, "file": str(out), "seconds": round(time.monotonic() - started, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.django_tasks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("reset")
    access = sub.add_parser("access-token")
    access.add_argument("--email", required=True)
    refresh = sub.add_parser("refresh-tokens")
    refresh.add_argument("--email", required=True)
    refresh.add_argument("--count", type=int, required=True)
    refresh.add_argument("--out", type=Path, required=True)
    ingest = sub.add_parser("health-ingest-setup")
    ingest.add_argument("--batches", type=int, required=True)
    sub.add_parser("health-ingest-cleanup")
    sub.add_parser("health-year")
    export = sub.add_parser("health-export-setup")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--records", type=int, required=True)
    sub.add_parser("health-export-cleanup")
    sub.add_parser("workouts-catalogue")
    transcode = sub.add_parser("media-transcode")
    transcode.add_argument("--seconds", type=int, required=True)
    sub.add_parser("billing-storm-setup")
    sub.add_parser("billing-storm-verify")
    sub.add_parser("foods-usda")
    sub.add_parser("foods-million")
    args = parser.parse_args(argv)

    _setup()
    if args.command == "reset":
        result = reset()
    elif args.command == "access-token":
        result = access_token(args.email)
    elif args.command == "refresh-tokens":
        result = refresh_tokens(args.email, args.count, args.out)
    elif args.command == "media-transcode":
        from bench import media_tasks

        result = media_tasks.transcode(args.seconds)
    elif args.command == "workouts-catalogue":
        from bench import workouts_tasks

        result = workouts_tasks.catalogue_ensure()
    elif args.command.startswith("billing-storm-"):
        from bench import billing_tasks

        if args.command == "billing-storm-setup":
            result = billing_tasks.storm_setup()
        else:
            result = billing_tasks.storm_verify()
    elif args.command in {"foods-usda", "foods-million"}:
        from bench import nutrition_tasks

        result = (
            nutrition_tasks.usda_ensure()
            if args.command == "foods-usda"
            else nutrition_tasks.million_ensure()
        )
    else:
        from bench import health_tasks

        if args.command == "health-ingest-setup":
            result = health_tasks.ingest_setup(args.batches)
        elif args.command == "health-ingest-cleanup":
            result = health_tasks.ingest_cleanup()
        elif args.command == "health-year":
            result = health_tasks.year_ensure()
        elif args.command == "health-export-setup":
            result = health_tasks.export_setup(args.out, args.records)
        else:
            result = health_tasks.export_cleanup()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
