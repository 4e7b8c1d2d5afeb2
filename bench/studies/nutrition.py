"""Food search (GET /api/meals/foods?q=...): over the USDA table, and over 1,000,000 foods,
one client and 16 concurrent clients.

The client is the bench process (keep-alive connections, as in bench/studies/health.py); the
data comes from bench.nutrition_tasks (cached in the bench database across runs). The
queries are what people type: words in either order, a prefix while typing, plurals, and
typos (which take the trigram path).
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import urlencode

from bench import BenchError
from bench.context import Context
from bench.studies import Check, Study, StudyResult, percentile, register
from bench.studies.health import KeepAliveClient, _json, _ms

QUERIES = (
    "chicken breast",
    "breast chicken",
    "brocoli",
    "greek yogurt",
    "olive oil",
    "brown rice cooked",
    "banan",
    "eggs",
    "cheddar cheese",
    "chiken brest",
)
# What the first hit must be (the ranking a person expects).
EXPECTED_FIRST = {
    "chicken breast": "chicken breast",
    "brocoli": "broccoli",
    "greek yogurt": "yogurt, greek",
    "olive oil": "olive oil",
}
CONCURRENT_CLIENTS = 16
CONCURRENT_SECONDS = 20
CLIENT_TIMEOUT_S = 10.0


def _path(q: str) -> str:
    return f"/api/meals/foods?{urlencode({'q': q, 'limit': 20})}"


def _single_client(
    ctx: Context, result: StudyResult, headers: dict[str, str], rounds: int, warmup: int
) -> dict[str, list[float]]:
    client = KeepAliveClient(ctx.port)
    times: dict[str, list[float]] = {q: [] for q in QUERIES}
    try:
        for round_index in range(warmup + rounds):
            for q in QUERIES:
                status, body, seconds = client.request("GET", _path(q), headers=headers)
                page: Any = _json(status, body, f"GET /api/meals/foods?q={q}")
                if round_index >= warmup:
                    times[q].append(seconds)
                if round_index == 0:
                    if not page["results"]:
                        result.problems.append(f"no results for {q!r}")
                    elif q in EXPECTED_FIRST:
                        first = page["results"][0]["name"].lower()
                        if not first.startswith(EXPECTED_FIRST[q]):
                            result.problems.append(f"{q!r} ranked {first!r} first")
    finally:
        client.close()
    return times


def _report_single(result: StudyResult, times: dict[str, list[float]], target_ms: float) -> None:
    every = [t for series in times.values() for t in series]
    result.figure(
        "p50_ms", "p50, one client", _ms(percentile(every, 50)), "ms", Check("<=", target_ms)
    )
    result.figure("p95_ms", "p95, one client", _ms(percentile(every, 95)), "ms")
    slowest = max(QUERIES, key=lambda q: percentile(times[q], 50))
    result.figure(
        "slowest_query_p50_ms",
        f"slowest query p50 ({slowest})",
        _ms(percentile(times[slowest], 50)),
        "ms",
    )
    result.details["per_query_p50_ms"] = {
        q: round(_ms(percentile(times[q], 50)), 2) for q in QUERIES
    }
    for q in QUERIES:
        print(f"    {q!r}: p50 {_ms(percentile(times[q], 50)):.1f} ms", flush=True)


@register
class FoodsSearchUsda(Study):
    name = "foods-search-usda"
    description = "GET /api/meals/foods?q=... (10 queries incl. typos), the 14,220 USDA foods"
    targets = ("p50 <= 20 ms",)
    order = 40
    warmup = 2
    rounds = 15

    def run(self, ctx: Context, result: StudyResult) -> None:
        data = ctx.django("foods-usda")
        print(
            f"    {data['usda_foods']:,} USDA foods ({data['total_foods']:,} foods in all; the "
            "caller has none of its own, other users' custom foods are not searched)",
            flush=True,
        )
        headers = {"Authorization": f"Bearer {data['access']}"}
        times = _single_client(ctx, result, headers, self.rounds, self.warmup)
        _report_single(result, times, 20)
        result.details["foods"] = {"usda": data["usda_foods"], "total": data["total_foods"]}


@register
class FoodsSearchMillion(Study):
    name = "foods-search-1m"
    description = (
        "GET /api/meals/foods?q=..., 1,000,000 foods (USDA + custom foods of 2,000 users, "
        "5,000 of them the caller's): one client, then 16 concurrent clients for 20 s"
    )
    targets = ("p50 <= 100 ms (one client)", "no timeouts or errors (16 clients)")
    order = 41
    warmup = 2
    rounds = 10

    def run(self, ctx: Context, result: StudyResult) -> None:
        data = ctx.django("foods-million")
        if data["generated"]:
            print(
                f"    generated {data['generated']:,} custom foods in "
                f"{data['generate_seconds']:.0f}s (not timed)",
                flush=True,
            )
        print(
            f"    {data['total_foods']:,} foods, {data['owners']:,} owners, "
            f"{data['own_foods']:,} the caller's",
            flush=True,
        )
        if data["total_foods"] < 1_000_000:
            raise BenchError(f"only {data['total_foods']} foods")
        headers = {"Authorization": f"Bearer {data['access']}"}
        times = _single_client(ctx, result, headers, self.rounds, self.warmup)
        _report_single(result, times, 100)

        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + CONCURRENT_SECONDS

        def worker(index: int) -> None:
            client = KeepAliveClient(ctx.port, timeout=CLIENT_TIMEOUT_S)
            n = index
            try:
                while time.monotonic() < deadline:
                    q = QUERIES[n % len(QUERIES)]
                    n += 1
                    try:
                        status, _, seconds = client.request("GET", _path(q), headers=headers)
                    except BenchError as exc:
                        with lock:
                            failures.append(str(exc)[:200])
                        continue
                    with lock:
                        if status == 200:
                            latencies.append(seconds)
                        else:
                            failures.append(f"{q!r} answered {status}")
            finally:
                client.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONCURRENT_CLIENTS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        result.figure(
            "concurrent_p50_ms",
            f"p50, {CONCURRENT_CLIENTS} clients",
            _ms(percentile(latencies, 50)),
            "ms",
        )
        result.figure(
            "concurrent_p95_ms",
            f"p95, {CONCURRENT_CLIENTS} clients",
            _ms(percentile(latencies, 95)),
            "ms",
        )
        result.figure(
            "concurrent_rps",
            f"requests/s, {CONCURRENT_CLIENTS} clients",
            len(latencies) / elapsed,
            "/s",
        )
        result.figure(
            "concurrent_failures",
            f"timeouts and errors ({CLIENT_TIMEOUT_S:g} s client timeout)",
            len(failures),
            "",
            Check("<=", 0, shown="= 0"),
            digits=0,
        )
        result.details.update(
            foods={
                "total": data["total_foods"],
                "own": data["own_foods"],
                "owners": data["owners"],
            },
            concurrent={
                "requests": len(latencies),
                "seconds": round(elapsed, 1),
                "failures": failures[:10],
            },
        )
        print(
            f"    {CONCURRENT_CLIENTS} clients: {len(latencies)} answers in {elapsed:.0f}s, "
            f"p50 {_ms(percentile(latencies, 50)):.0f} ms, {len(failures)} failures",
            flush=True,
        )
