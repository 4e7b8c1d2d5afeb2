"""The workout catalogue: the list screen's page over 10,000 workouts."""

from __future__ import annotations

import json

from bench import BenchError
from bench.context import Context
from bench.scenarios import Phase, Scenario, Target, register
from bench.server import http_request
from bench.wrk import Load

LIST_QUERY = "limit=20&difficulty=intermediate&equipment=dumbbells"


def catalogue(ctx: Context) -> dict[str, object]:
    """The cached catalogue (loaded once through bench.workouts_tasks) and its user's token."""
    data = ctx.django("workouts-catalogue")
    if data["loaded"]:
        print(
            f"    loaded {data['workouts']:,} workouts and {data['videos']:,} videos in "
            f"{data['seconds']:.1f}s (bulk_create {data['insert_seconds']:.1f}s, "
            f"workouts_index_refresh {data['index_refresh_seconds']:.1f}s; not timed)",
            flush=True,
        )
    else:
        print(f"    cached: {data['workouts']:,} workouts, {data['videos']:,} videos", flush=True)
    return data


@register
class WorkoutsList(Scenario):
    """A filtered first page of the catalogue as a signed-in, non-staff, non-premium user
    (favourites and a bought workout, so both per-page lookups run)."""

    name = "workouts-list"
    path = f"/api/workouts?{LIST_QUERY}"
    description = "GET /api/workouts?limit=20, difficulty and equipment filters, 10,000 workouts"
    target = Target(min_ratio=0.2)
    order = 30

    def prepare(self, ctx: Context) -> None:
        self.access = str(catalogue(ctx)["access"])
        status, body = http_request(ctx.port, "GET", self.path, headers=self._headers())
        if status != 200:
            raise BenchError(f"GET {self.path} answered {status}: {body[:300]}")
        page = json.loads(body)
        self.count = page["count"]
        if len(page["results"]) != 20 or self.count < 200:
            raise BenchError(f"GET {self.path}: {self.count} matches, expected hundreds")
        print(f"    {self.count} workouts match the filters", flush=True)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}

    def load(self, ctx: Context, phase: Phase) -> Load:
        return Load(headers=self._headers())
