"""Storing samples: one idempotent bulk upsert shared by every way data arrives (manual
entry, Apple Health batches and exports, Health Connect)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction

from accounts.models import User
from health.catalog import Metric
from health.models import Sample, Source, Stream
from health.services.rollups import Touched, health_days_refresh
from profiles.selectors import user_time_zone


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
    # With replace_external_ids: rows of ids whose stored samples changed (were replaced).
    updated: int = 0


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
    *,
    user: User,
    rows: Sequence[SampleRow],
    deleted_external_ids: Iterable[str] = (),
    replace_external_ids: Mapping[str, Metric] | None = None,
) -> UpsertResult:
    """Store ``rows`` and remove ``deleted_external_ids``, in one transaction.

    Idempotent: a sample already stored (same stream, start and provider id) is left as it is,
    so a retried batch writes nothing twice.

    ``replace_external_ids`` (provider id -> its metric) is for providers whose records change
    in place (Health Connect): ``rows`` are then the whole current state of those ids, and
    their stored samples that are not among ``rows`` are removed first (searched in the user's
    streams of those metrics). Counts are per id: ``inserted`` for ids with nothing stored
    before, ``updated`` for ids whose samples changed, ``unchanged`` for ids stored as sent;
    ``deleted`` counts only ``deleted_external_ids``.
    """
    deleted_hashes = sorted({external_hash(value) for value in deleted_external_ids})
    with transaction.atomic():
        inserted = 0
        replaced: _Replaced | None = None
        if replace_external_ids and not rows:
            replaced = _stale_delete(user=user, replacing=replace_external_ids, columns=None)
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
                columns[4].append(float(row.value))
                columns[5].append(row.kind)
            sql = INSERT_SQL.format(table=Sample._meta.db_table)
            if replace_external_ids:
                replaced = _stale_delete(user=user, replacing=replace_external_ids, columns=columns)
                sql += "RETURNING external_hash"
            with connection.cursor() as cursor:
                cursor.execute(sql, columns)
                inserted = cursor.rowcount
                if replaced is not None:
                    replaced.fresh.update(hashed for (hashed,) in cursor.fetchall())
        touched = _touched_by_rows(rows) if inserted else []
        if replaced is not None:
            touched.extend(replaced.stale)
        deleted = 0
        if deleted_hashes:
            removed = _delete(user=user, hashes=deleted_hashes)
            deleted = len(removed)
            touched.extend(removed)
        if touched:
            health_days_refresh(user=user, touched=touched, zone=user_time_zone(user=user))
    if replaced is not None:
        return replaced.result(rows=rows, deleted=deleted)
    return UpsertResult(inserted=inserted, unchanged=len(rows) - inserted, deleted=deleted)


def _touched_by_rows(rows: Sequence[SampleRow]) -> list[Touched]:
    spans: dict[Metric, tuple[datetime, datetime]] = {}
    for row in rows:
        end = row.start + timedelta(seconds=row.duration_s)
        low, high = spans.get(row.metric, (row.start, end))
        spans[row.metric] = (min(low, row.start), max(high, end))
    return [Touched(metric=metric, start=low, end=high) for metric, (low, high) in spans.items()]


DELETE_SQL = """
    DELETE FROM {samples} AS sample USING {streams} AS stream
    WHERE sample.stream_id = stream.id AND stream.user_id = %s
      AND sample.external_hash = ANY(%s::bigint[])
    RETURNING stream.metric, sample.start, sample.duration_s
"""


def _delete(*, user: User, hashes: list[int]) -> list[Touched]:
    sql = DELETE_SQL.format(samples=Sample._meta.db_table, streams=Stream._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, hashes])
        return [
            Touched(metric=Metric(metric), start=start, end=start + timedelta(seconds=duration))
            for metric, start, duration in cursor.fetchall()
        ]


STALE_DELETE_SQL = """
    DELETE FROM {samples} AS sample USING {streams} AS stream
    WHERE sample.stream_id = stream.id AND stream.user_id = %s
      AND stream.metric = ANY(%s::smallint[])
      AND sample.external_hash = ANY(%s::bigint[])
      AND NOT EXISTS (
        SELECT 1 FROM unnest(%s::integer[], %s::timestamptz[], %s::bigint[], %s::integer[],
                             %s::real[], %s::smallint[])
            AS new (stream_id, start, external_hash, duration_s, value, kind)
        WHERE (new.stream_id, new.start, new.external_hash, new.duration_s, new.value, new.kind)
            = (sample.stream_id, sample.start, sample.external_hash, sample.duration_s,
               sample.value, sample.kind)
      )
    RETURNING sample.external_hash, stream.metric, sample.start, sample.duration_s
"""


@dataclass
class _Replaced:
    """What replacing ids did: the stale samples removed, the hashes of the rows inserted."""

    stale_hashes: set[int]
    stale: list[Touched]
    fresh: Counter[int]

    def result(self, *, rows: Sequence[SampleRow], deleted: int) -> UpsertResult:
        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        sent = Counter(external_hash(row.external_id) for row in rows)
        for hashed, count in sent.items():
            fresh = self.fresh[hashed]
            if hashed in self.stale_hashes or 0 < fresh < count:
                counts["updated"] += count
            elif fresh == count:
                counts["inserted"] += count
            else:
                counts["unchanged"] += count
        return UpsertResult(deleted=deleted, **counts)


def _stale_delete(
    *, user: User, replacing: Mapping[str, Metric], columns: Sequence[list] | None
) -> _Replaced:
    """Remove the stored samples of the ``replacing`` ids that are not among the new rows
    (``columns``, as for INSERT_SQL); unchanged samples stay, so a retry rewrites nothing."""
    sql = STALE_DELETE_SQL.format(samples=Sample._meta.db_table, streams=Stream._meta.db_table)
    metrics = sorted({int(metric) for metric in replacing.values()})
    hashes = sorted({external_hash(value) for value in replacing})
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, metrics, hashes, *(columns or ([],) * 6)])
        removed = cursor.fetchall()
    return _Replaced(
        stale_hashes={hashed for hashed, _, _, _ in removed},
        stale=[
            Touched(metric=Metric(metric), start=start, end=start + timedelta(seconds=duration))
            for _, metric, start, duration in removed
        ],
        fresh=Counter(),
    )
