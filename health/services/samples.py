"""Storing samples: one idempotent bulk upsert shared by every way data arrives (manual
entry, Apple Health batches and exports, Health Connect)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from accounts.models import User
from health.catalog import Metric
from health.models import Sample, Source, Stream


@dataclass(frozen=True)
class SourceKey:
    platform: str
    app_id: str = ""
    app_name: str = ""
    device_name: str = ""
    device_model: str = ""


@dataclass(frozen=True)
class SampleRow:
    """A sample in canonical units, ready to store."""

    metric: Metric
    source: SourceKey
    start: datetime
    duration_s: int
    value: float
    external_id: str
    kind: int = 0


@dataclass(frozen=True)
class UpsertResult:
    inserted: int
    unchanged: int
    deleted: int


def external_hash(external_id: str) -> int:
    """A signed 64-bit hash of a provider's sample id (uuids compared case-insensitively)."""
    digest = hashlib.blake2b(external_id.strip().lower().encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _sources_resolve(*, user: User, keys: set[SourceKey]) -> dict[SourceKey, int]:
    Source.objects.bulk_create(
        [
            Source(
                user=user,
                platform=key.platform,
                app_id=key.app_id,
                app_name=key.app_name,
                device_name=key.device_name,
                device_model=key.device_model,
            )
            for key in keys
        ],
        ignore_conflicts=True,
    )
    ids: dict[SourceKey, int] = {}
    platforms = {key.platform for key in keys}
    for source in Source.objects.filter(user=user, platform__in=platforms):
        key = SourceKey(
            platform=source.platform,
            app_id=source.app_id,
            app_name=source.app_name,
            device_name=source.device_name,
            device_model=source.device_model,
        )
        if key in keys:
            ids[key] = source.pk
            continue
        # The same identity with another display name: keep the stored one.
        for wanted in keys:
            if (wanted.platform, wanted.app_id, wanted.device_name, wanted.device_model) == (
                source.platform,
                source.app_id,
                source.device_name,
                source.device_model,
            ):
                ids[wanted] = source.pk
    return ids


def _streams_resolve(*, user: User, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    Stream.objects.bulk_create(
        [Stream(user=user, metric=metric, source_id=source_id) for metric, source_id in pairs],
        ignore_conflicts=True,
    )
    return {
        (stream.metric, stream.source_id): stream.pk
        for stream in Stream.objects.filter(user=user).only("id", "metric", "source_id")
        if (stream.metric, stream.source_id) in pairs
    }


INSERT_SQL = """
    INSERT INTO {table} (stream_id, start, external_hash, duration_s, value, kind)
    SELECT * FROM unnest(%s::integer[], %s::timestamptz[], %s::bigint[], %s::integer[],
                         %s::real[], %s::smallint[])
    ON CONFLICT DO NOTHING
"""


def health_samples_upsert(
    *, user: User, rows: Sequence[SampleRow], deleted_external_ids: Iterable[str] = ()
) -> UpsertResult:
    """Store ``rows`` and remove ``deleted_external_ids``, in one transaction.

    Idempotent: a sample already stored (same stream, start and provider id) is left as it is,
    so a retried batch writes nothing twice.
    """
    deleted_hashes = sorted({external_hash(value) for value in deleted_external_ids})
    with transaction.atomic():
        inserted = 0
        if rows:
            source_ids = _sources_resolve(user=user, keys={row.source for row in rows})
            stream_ids = _streams_resolve(
                user=user,
                pairs={(int(row.metric), source_ids[row.source]) for row in rows},
            )
            columns: tuple[list, list, list, list, list, list] = ([], [], [], [], [], [])
            for row in rows:
                columns[0].append(stream_ids[(int(row.metric), source_ids[row.source])])
                columns[1].append(row.start)
                columns[2].append(external_hash(row.external_id))
                columns[3].append(row.duration_s)
                columns[4].append(row.value)
                columns[5].append(row.kind)
            with connection.cursor() as cursor:
                cursor.execute(INSERT_SQL.format(table=Sample._meta.db_table), columns)
                inserted = cursor.rowcount
        deleted = 0
        if deleted_hashes:
            deleted, _ = Sample.objects.filter(
                stream__user=user, external_hash__in=deleted_hashes
            ).delete()
    return UpsertResult(inserted=inserted, unchanged=len(rows) - inserted, deleted=deleted)
