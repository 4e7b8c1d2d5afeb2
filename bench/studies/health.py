"""Health data: ingestion speed, metrics latency against the plain GROUP BY, storage per row.

The HTTP client here is the bench process itself (``http.client``, one keep-alive connection,
wall time from sending the request to the last byte of the answer); the SQL references run
with psycopg straight against the bench database. Data is written Django-side through
``bench.health_tasks`` (the app's own services).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench import BASE_DIR, BenchError
from bench.context import Context
from bench.server import HOST
from bench.studies import Check, Study, StudyResult, libpq_url, percentile, register

IDLE_REOPEN_S = 2.0  # gunicorn closes idle keep-alive connections after 5 s
SAMPLE_TABLE = "health_sample"
INSERT_SQL = f"""
    INSERT INTO {SAMPLE_TABLE} (stream_id, start, external_hash, duration_s, value, kind)
    SELECT * FROM unnest(%s::integer[], %s::timestamptz[], %s::bigint[], %s::integer[],
                         %s::real[], %s::smallint[])
    ON CONFLICT DO NOTHING
"""  # the statement of health.services.samples.health_samples_upsert


class KeepAliveClient:
    """One HTTP/1.1 connection to the server under test, reopened (untimed) when it sat idle
    long enough for the server to close it."""

    def __init__(self, port: int, timeout: float = 120.0) -> None:
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def _ready(self) -> http.client.HTTPConnection:
        if self.conn is not None and time.monotonic() - self.last_used > IDLE_REOPEN_S:
            self.close()
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self.conn.connect()
        return self.conn

    def request(
        self, method: str, path: str, *, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, bytes, float]:
        """(status, body, seconds from the first byte sent to the last byte received)."""
        conn = self._ready()
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise BenchError(f"{method} {path.split('?')[0]} failed: {exc!r}") from exc
        self.last_used = time.monotonic()
        if response.will_close:
            self.close()
        return response.status, data, elapsed

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _json(status: int, data: bytes, what: str) -> Any:
    if status != 200:
        raise BenchError(f"{what} answered {status}: {data[:300]!r}")
    try:
        return json.loads(data)
    except ValueError as exc:
        raise BenchError(f"{what} answered non-JSON: {data[:300]!r}") from exc


def _ms(seconds: float) -> float:
    return seconds * 1000


# --- ingestion ------------------------------------------------------------------------------

WATCH = {
    "source": {"bundle_id": "com.apple.health.3C1E5A2B", "name": "Bench's Apple Watch"},
    "device": {"name": "Apple Watch", "model": "Watch", "manufacturer": "Apple Inc."},
}
LOCAL = timezone(timedelta(hours=1))  # timestamps as the phone formats them, with its offset


def external_hash(external_id: str) -> int:
    """health.services.samples.external_hash: the 64-bit key of a HealthKit uuid."""
    digest = hashlib.blake2b(external_id.strip().lower().encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def heart_rate_batch(count: int, first: datetime, seed: int) -> tuple[bytes, list[tuple]]:
    """A HealthKit anchored-query batch of ``count`` heart-rate samples, one a minute (as the
    iOS app posts it), and the same samples as (start, uuid, value) for the raw insert."""
    rng = random.Random(seed)
    samples = []
    rows = []
    for index in range(count):
        moment = (first + timedelta(minutes=index)).astimezone(LOCAL)
        sample_id = str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()  # NSUUID
        value = rng.randint(52, 150)
        stamp = moment.isoformat()
        samples.append(
            {
                "uuid": sample_id,
                "type": "HKQuantityTypeIdentifierHeartRate",
                "value": value,
                "unit": "count/min",
                "start": stamp,
                "end": stamp,
                **WATCH,
            }
        )
        rows.append((moment, sample_id, float(value)))
    body = {
        "anchor": f"YmVuY2gtYW5jaG9yLXtzZWVkfQ-{seed}",
        "device_id": "bench-iphone",
        "quantity_samples": samples,
    }
    return json.dumps(body, separators=(",", ":")).encode(), rows


@register
class HealthIngest(Study):
    """POST /api/health/sync/apple-health with 10,000 heart-rate samples, first sync of a
    fresh user, then the same batch again (a retry), next to the bare INSERT of those rows."""

    name = "health-ingest"
    description = (
        "POST /api/health/sync/apple-health of 10,000 heart-rate samples (fresh user), "
        "its retry, and the raw psycopg upsert of the same rows"
    )
    targets = ("samples/s >= 30,000", "retry <= first", "first <= 3x raw upsert")
    order = 10
    samples = 10_000
    batches = 5  # measured; one more batch (the first) warms the server up

    def run(self, ctx: Context, result: StudyResult) -> None:
        import psycopg

        setup = ctx.django("health-ingest-setup", "--batches", str(self.batches + 1))
        print(
            f"    {len(setup['users'])} fresh users and raw streams in {setup['seconds']}s",
            flush=True,
        )
        first = (datetime.now(UTC) - timedelta(days=8)).replace(second=0, microsecond=0)
        client = KeepAliveClient(ctx.port)
        firsts: list[float] = []
        retries: list[float] = []
        raws: list[float] = []
        body_bytes = 0
        try:
            with psycopg.connect(libpq_url(ctx), autocommit=True) as conn:
                for index, (user, stream) in enumerate(
                    zip(setup["users"], setup["raw_streams"], strict=True)
                ):
                    body, rows = heart_rate_batch(self.samples, first, seed=index)
                    body_bytes = len(body)
                    headers = {
                        "Authorization": f"Bearer {user['access']}",
                        "Content-Type": "application/json",
                    }
                    t_first = self._post(client, headers, body, result, expect_inserted=True)
                    t_retry = self._post(client, headers, body, result, expect_inserted=False)
                    t_raw = self._raw(conn, stream, rows, result)
                    label = "warm-up" if index == 0 else f"batch {index}/{self.batches}"
                    print(
                        f"    {label}: first {_ms(t_first):.0f} ms, retry {_ms(t_retry):.0f} ms, "
                        f"raw upsert {_ms(t_raw):.0f} ms",
                        flush=True,
                    )
                    if index:
                        firsts.append(t_first)
                        retries.append(t_retry)
                        raws.append(t_raw)
        finally:
            client.close()
            cleaned = ctx.django("health-ingest-cleanup")
            print(f"    removed the study's users ({cleaned['samples']} samples)", flush=True)

        first_s = statistics.median(firsts)
        retry_s = statistics.median(retries)
        raw_s = statistics.median(raws)
        rate = self.samples / first_s
        result.figure(
            "samples_per_s",
            "samples/s (first sync, median)",
            rate,
            "/s",
            Check(">=", 30_000),
            digits=0,
        )
        result.figure("first_ms", "first sync, median", _ms(first_s), "ms")
        result.figure("retry_ms", "retry (same batch), median", _ms(retry_s), "ms")
        result.figure(
            "retry_to_first",
            "retry / first",
            retry_s / first_s,
            "",
            Check("<=", 1.0, "<= 1 (retry <= first)"),
            digits=2,
        )
        result.figure("raw_upsert_ms", "raw psycopg upsert, median", _ms(raw_s), "ms")
        result.figure(
            "first_to_raw", "first / raw upsert", first_s / raw_s, "x", Check("<=", 3.0), digits=2
        )
        result.details = {
            "samples_per_batch": self.samples,
            "batches": self.batches,
            "body_bytes": body_bytes,
            "first_ms": [round(_ms(s), 2) for s in firsts],
            "retry_ms": [round(_ms(s), 2) for s in retries],
            "raw_upsert_ms": [round(_ms(s), 2) for s in raws],
        }

    def _post(
        self,
        client: KeepAliveClient,
        headers: dict[str, str],
        body: bytes,
        result: StudyResult,
        *,
        expect_inserted: bool,
    ) -> float:
        status, data, seconds = client.request(
            "POST", "/api/health/sync/apple-health", headers=headers, body=body
        )
        answer = _json(status, data, "POST /api/health/sync/apple-health")
        want = (self.samples, 0) if expect_inserted else (0, self.samples)
        got = (answer.get("inserted"), answer.get("unchanged"))
        if got != want:
            which = "first sync" if expect_inserted else "retry"
            result.problems.append(
                f"{which}: inserted={got[0]} unchanged={got[1]}, expected "
                f"inserted={want[0]} unchanged={want[1]}"
            )
        return seconds

    def _raw(self, conn: Any, stream: int, rows: list[tuple], result: StudyResult) -> float:
        columns = (
            [stream] * len(rows),
            [start for start, _, _ in rows],
            [external_hash(sample_id) for _, sample_id, _ in rows],
            [0] * len(rows),
            [value for _, _, value in rows],
            [0] * len(rows),
        )
        started = time.perf_counter()
        cursor = conn.execute(INSERT_SQL, columns)  # autocommit: the statement and its commit
        elapsed = time.perf_counter() - started
        if cursor.rowcount != len(rows):
            result.problems.append(f"raw upsert inserted {cursor.rowcount} of {len(rows)} rows")
        return elapsed


# --- the year of data: metrics and storage --------------------------------------------------


def year_dataset(ctx: Context) -> dict[str, Any]:
    """The cached year of heart rate and steps (loaded once, through the app's upsert)."""
    print("    the year dataset (heart rate per minute, steps per hour):", flush=True)
    year = ctx.django("health-year")
    if year["loaded"]:
        print(
            f"    loaded {year['samples']:,} samples in {year['seconds']:.1f}s "
            f"(health_samples_upsert in 10,000-row chunks: {year['upsert_seconds']:.1f}s, "
            f"{year['samples'] / max(year['upsert_seconds'], 1e-9):,.0f} samples/s; not timed)",
            flush=True,
        )
    else:
        print(f"    cached: {year['samples']:,} samples already there", flush=True)
    return year


GROUP_BY_SQL = f"""
    SELECT stream_id, date_trunc('day', start AT TIME ZONE 'UTC') AS day,
           min(value), avg(value), max(value), sum(value), count(*)
    FROM {SAMPLE_TABLE}
    WHERE stream_id = ANY(%s::integer[]) AND start >= %s AND start < %s
    GROUP BY 1, 2
"""


@register
class HealthMetrics(Study):
    """A year of daily heart rate and steps from the API, against aggregating raw samples."""

    name = "health-metrics"
    description = (
        "GET /api/health/metrics, heart rate and steps per day over a year of per-minute "
        "data, vs the plain GROUP BY over the samples"
    )
    targets = ("p50 <= 50 ms", "p50 / GROUP BY p50 <= 0.25")
    order = 20
    warmup = 5
    requests = 30

    def run(self, ctx: Context, result: StudyResult) -> None:
        import psycopg

        year = year_dataset(ctx)
        access = ctx.django("access-token", "--email", year["email"])["access"]
        path = (
            "/api/health/metrics?metrics=heart_rate,steps&period=day"
            f"&start={year['first_day']}&end={year['last_day']}"
        )
        headers = {"Authorization": f"Bearer {access}"}
        client = KeepAliveClient(ctx.port)
        times: list[float] = []
        answer: Any = None
        try:
            for index in range(self.warmup + self.requests):
                status, data, seconds = client.request("GET", path, headers=headers)
                answer = _json(status, data, "GET /api/health/metrics")
                if index >= self.warmup:
                    times.append(seconds)
        finally:
            client.close()

        start = datetime.fromisoformat(year["first_day"]).replace(tzinfo=UTC)
        end = datetime.fromisoformat(year["last_day"]).replace(tzinfo=UTC) + timedelta(days=1)
        streams = [year["streams"]["heart_rate"], year["streams"]["steps"]]
        sql_times: list[float] = []
        with psycopg.connect(libpq_url(ctx), autocommit=True) as conn:
            for index in range(2 + self.requests):
                started = time.perf_counter()
                grouped = conn.execute(GROUP_BY_SQL, (streams, start, end)).fetchall()
                if index >= 2:
                    sql_times.append(time.perf_counter() - started)
        self._check(answer, grouped, year, result)

        p50, p95 = percentile(times, 50), percentile(times, 95)
        sql_p50 = percentile(sql_times, 50)
        print(
            f"    metrics p50 {_ms(p50):.1f} ms, p95 {_ms(p95):.1f} ms; "
            f"GROUP BY p50 {_ms(sql_p50):.1f} ms",
            flush=True,
        )
        result.figure("p50_ms", "p50", _ms(p50), "ms", Check("<=", 50))
        result.figure("p95_ms", "p95", _ms(p95), "ms")
        result.figure("group_by_p50_ms", "plain GROUP BY p50", _ms(sql_p50), "ms")
        result.figure(
            "p50_to_group_by_p50",
            "p50 / GROUP BY p50",
            p50 / sql_p50,
            "",
            Check("<=", 0.25),
            digits=3,
        )
        result.details = {
            "path": path,
            "samples": year["samples"],
            "requests": self.requests,
            "metrics_ms": [round(_ms(s), 2) for s in times],
            "group_by_ms": [round(_ms(s), 2) for s in sql_times],
        }

    def _check(
        self, answer: Any, grouped: list[tuple], year: dict[str, Any], result: StudyResult
    ) -> None:
        """The API's days must be the raw samples' days (same count, same step total)."""
        try:
            reports = {item["metric"]: item for item in answer["metrics"]}
            heart, steps = reports["heart_rate"], reports["steps"]
            api_days = {
                name: sum(1 for bucket in item["buckets"] if bucket["days_with_data"])
                for name, item in reports.items()
            }
            api_steps = float(steps["value"])
            api_peak = max(float(b["maximum"]) for b in heart["buckets"] if b["maximum"])
        except (KeyError, TypeError, ValueError) as exc:
            result.problems.append(f"unexpected metrics answer ({exc!r}): {str(answer)[:300]}")
            return
        heart_id, steps_id = year["streams"]["heart_rate"], year["streams"]["steps"]
        sql_days = {
            "heart_rate": sum(1 for row in grouped if row[0] == heart_id),
            "steps": sum(1 for row in grouped if row[0] == steps_id),
        }
        sql_steps = sum(row[5] for row in grouped if row[0] == steps_id)
        sql_peak = max(row[4] for row in grouped if row[0] == heart_id)
        if api_days != sql_days:
            result.problems.append(f"days with data: API {api_days}, GROUP BY {sql_days}")
        if abs(api_steps - sql_steps) > 1:
            result.problems.append(f"step total: API {api_steps}, GROUP BY {sql_steps}")
        if abs(api_peak - sql_peak) > 0.1:
            result.problems.append(f"heart-rate maximum: API {api_peak}, GROUP BY {sql_peak}")


EXPORT_RECORDS = 260_000  # ~385 bytes each: a ~100 MB export.xml
EXPORT_TIMEOUT_S = 900
_IMPORT_LINE = re.compile(
    r"Import \S+ succeeded: (\d+) records, (\d+) stored, (\d+) unchanged, (\d+) skipped "
    r"in ([\d.]+) s"
)


@register
class HealthExportImport(Study):
    """``manage.py health_import_export`` (the import the upload's worker runs) of a ~100 MB
    export.xml into a fresh user, in a subprocess whose peak RSS the kernel reports (wait4)."""

    name = "health-export"
    description = (
        "manage.py health_import_export of a ~100 MB Apple Health export.xml (fresh user): "
        "records/s and the importing process's peak RSS"
    )
    targets = ("peak RSS < 300 MB",)
    order = 25

    def run(self, ctx: Context, result: StudyResult) -> None:
        out = ctx.work_dir / f"apple-health-export-{EXPORT_RECORDS}.xml"
        if not out.exists():
            print(f"    writing the export (once, cached): {out.name}", flush=True)
        setup = ctx.django(
            "health-export-setup", "--out", str(out), "--records", str(EXPORT_RECORDS)
        )
        size_mb = setup["bytes"] / 1e6
        note = f"generated in {setup['generate_seconds']}s" if setup["generated"] else "cached"
        print(f"    {out.name}: {size_mb:.1f} MB, {EXPORT_RECORDS:,} records ({note})", flush=True)
        log_path = ctx.work_dir / "health-export-import.log"
        command = [
            sys.executable,
            "manage.py",
            "health_import_export",
            "--user",
            setup["email"],
            str(out),
            "--no-progress",
        ]
        try:
            code, peak_kb, wall = self._run_measured(command, ctx, log_path)
        finally:
            cleaned = ctx.django("health-export-cleanup")
            print(f"    removed the import's user ({cleaned['samples']:,} samples)", flush=True)
        output = log_path.read_text(errors="replace")
        match = _IMPORT_LINE.search(output)
        if code != 0 or match is None:
            raise BenchError(f"the import exited with {code}:\n{output[-2000:]}")
        records, stored, unchanged, skipped = map(int, match.groups()[:4])
        seconds = float(match.group(5))
        if unchanged:
            result.problems.append(f"a first import into a fresh user found {unchanged} unchanged")
        if not stored:
            result.problems.append("the import stored nothing")
        peak_mb = peak_kb * 1024 / 1e6
        print(
            f"    {records:,} records in {seconds:.1f}s ({records / seconds:,.0f} records/s), "
            f"{stored:,} stored, {skipped:,} skipped; peak RSS {peak_mb:.0f} MB",
            flush=True,
        )
        result.figure("records_per_s", "records/s", records / seconds, "/s", digits=0)
        result.figure("import_s", "import time", seconds, "s")
        result.figure(
            "peak_rss_mb", "peak RSS of the import process", peak_mb, "MB", Check("<", 300)
        )
        result.figure("export_mb", "export.xml size", size_mb, "MB")
        result.details = {
            "file": out.name,
            "bytes": setup["bytes"],
            "records": records,
            "stored": stored,
            "unchanged": unchanged,
            "skipped": skipped,
            "import_seconds": seconds,
            "process_wall_seconds": round(wall, 2),  # with Django's start-up
            "peak_rss_bytes": peak_kb * 1024,
        }

    @staticmethod
    def _run_measured(command: list[str], ctx: Context, log_path: Path) -> tuple[int, int, float]:
        """(exit code, peak RSS in KiB, wall seconds): wait4 gives the child's own maximum
        resident set size, exactly, without sampling."""
        started = time.monotonic()
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=ctx.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - started > EXPORT_TIMEOUT_S:
                    raise BenchError(f"the import ran longer than {EXPORT_TIMEOUT_S}s")
                time.sleep(0.1)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped here, not by Popen
        return code, usage.ru_maxrss, time.monotonic() - started


SIZES_SQL = f"""
    SELECT pg_total_relation_size('{SAMPLE_TABLE}'), pg_relation_size('{SAMPLE_TABLE}'),
           pg_indexes_size('{SAMPLE_TABLE}'), (SELECT count(*) FROM {SAMPLE_TABLE})
"""


@register
class HealthStorage(Study):
    """What a stored sample costs on disk: table plus indexes over rows, the whole table.

    Measured twice. "As found" is after a plain VACUUM: it still counts the free space that
    the bench's own deletes leave behind (the ingestion study removes its users and their
    120,000 rows every run; VACUUM makes that space reusable but keeps the pages). The
    target is checked after VACUUM FULL, which rewrites the table and its index without
    that free space: the footprint of the rows themselves.
    """

    name = "health-storage"
    description = (
        "bytes per stored sample: pg_total_relation_size('health_sample') / count(*), "
        "with the year dataset loaded, after VACUUM and after VACUUM FULL"
    )
    targets = ("bytes/sample <= 120 (after VACUUM FULL)",)
    order = 30

    def run(self, ctx: Context, result: StudyResult) -> None:
        import psycopg

        year = year_dataset(ctx)
        with psycopg.connect(libpq_url(ctx), autocommit=True) as conn:
            conn.execute(f"VACUUM (ANALYZE) {SAMPLE_TABLE}")
            found = conn.execute(SIZES_SQL).fetchone()
            started = time.monotonic()
            conn.execute(f"VACUUM (FULL, ANALYZE) {SAMPLE_TABLE}")
            full_seconds = time.monotonic() - started
            settled = conn.execute(SIZES_SQL).fetchone()
        assert found is not None
        assert settled is not None
        total, heap, indexes, rows = settled
        if not rows:
            raise BenchError(f"{SAMPLE_TABLE} is empty after loading the year dataset")
        print(
            f"    {rows:,} rows ({year['samples']:,} of them the year user's): "
            f"{found[0] / found[3]:.1f} bytes/sample as found after VACUUM, "
            f"{total / rows:.1f} after VACUUM FULL ({full_seconds:.1f}s)",
            flush=True,
        )
        result.figure(
            "bytes_per_sample",
            "bytes/sample (table + indexes)",
            total / rows,
            "B",
            Check("<=", 120),
        )
        result.figure("heap_bytes_per_sample", "  heap", heap / rows, "B")
        result.figure("index_bytes_per_sample", "  primary key index", indexes / rows, "B")
        result.figure(
            "bytes_per_sample_after_plain_vacuum",
            "as found (plain VACUUM; incl. space this run freed)",
            found[0] / found[3],
            "B",
        )
        result.figure("rows", "rows in health_sample", rows, "", digits=0)

        def sizes(row: tuple[int, int, int, int]) -> dict[str, int]:
            total, heap, indexes, count = row
            return {
                "total_bytes": total,
                "heap_bytes": heap,
                "index_bytes": indexes,
                "other_bytes": total - heap - indexes,  # free space and visibility maps, toast
                "rows": count,
            }

        result.details = {
            "after_vacuum_full": sizes(settled),
            "after_vacuum": sizes(found),
            "vacuum_full_seconds": round(full_seconds, 2),
            "year_user_rows": year["samples"],
        }
