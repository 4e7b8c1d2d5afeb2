"""Workout search over the 10,000-workout bench catalogue: latency of single requests.

The client is the bench process (one keep-alive connection, as in bench/studies/health.py);
the catalogue is the one the ``workouts-list`` scenario uses (bench.workouts_tasks, cached).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bench.context import Context
from bench.scenarios.workouts import catalogue
from bench.studies import Check, Study, StudyResult, percentile, register
from bench.studies.health import KeepAliveClient, _json, _ms

# What people type: words, a phrase, a trainer's name, an exclusion, and a typo (no full-text
# match, so the trigram fallback answers).
QUERIES = (
    "yoga flow",
    "dumbbell upper body",
    "hiit",
    '"core control" pilates',
    "kettlebell -advanced",
    "maya patel",
    "yoga flw",
)
TYPO = "yoga flw"


@register
class WorkoutsSearch(Study):
    """GET /api/workouts/search, a first page of 20, round-robin over realistic queries."""

    name = "workouts-search"
    description = (
        "GET /api/workouts/search?q=... (7 queries incl. the typo 'yoga flw'), 10,000 workouts"
    )
    targets = ("p50 <= 20 ms",)
    order = 30
    warmup = 2  # rounds over every query
    rounds = 15

    def run(self, ctx: Context, result: StudyResult) -> None:
        data = catalogue(ctx)
        headers = {"Authorization": f"Bearer {data['access']}"}
        client = KeepAliveClient(ctx.port)
        times: dict[str, list[float]] = {q: [] for q in QUERIES}
        counts: dict[str, int] = {}
        try:
            for round_index in range(self.warmup + self.rounds):
                for q in QUERIES:
                    path = f"/api/workouts/search?{urlencode({'q': q, 'limit': 20})}"
                    status, body, seconds = client.request("GET", path, headers=headers)
                    page: Any = _json(status, body, f"GET /api/workouts/search?q={q}")
                    counts[q] = page["count"]
                    if round_index >= self.warmup:
                        times[q].append(seconds)
                    if round_index == 0 and q == TYPO:
                        titles = [item["title"].lower() for item in page["results"]]
                        if not any("yoga flow" in title for title in titles):
                            result.problems.append(f"{q!r} did not find a 'Yoga Flow' workout")
        finally:
            client.close()
        empty = [q for q, n in counts.items() if not n]
        if empty:
            result.problems.append(f"no results for {', '.join(map(repr, empty))}")
        every = [t for series in times.values() for t in series]
        result.figure("p50_ms", "p50", _ms(percentile(every, 50)), "ms", Check("<=", 20))
        result.figure("p95_ms", "p95", _ms(percentile(every, 95)), "ms")
        slowest = max(QUERIES, key=lambda q: percentile(times[q], 50))
        result.figure(
            "slowest_query_p50_ms",
            f"slowest query p50 ({slowest})",
            _ms(percentile(times[slowest], 50)),
            "ms",
        )
        result.details = {
            "requests": len(every),
            "per_query": {
                q: {"count": counts[q], "p50_ms": round(_ms(percentile(times[q], 50)), 2)}
                for q in QUERIES
            },
        }
        for q in QUERIES:
            print(
                f"    {q!r}: {counts[q]} matches, p50 {_ms(percentile(times[q], 50)):.1f} ms",
                flush=True,
            )
