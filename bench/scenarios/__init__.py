"""Scenarios: one module per area, each class registered with :func:`register`.

To add one, create ``bench/scenarios/<area>.py``::

    from bench.scenarios import Scenario, Target, register
    from bench.wrk import Load

    @register
    class WorkoutList(Scenario):
        name = "workouts-list"
        path = "/api/workouts"
        description = "GET /api/workouts, first page, as a signed-in user"
        target = Target(min_ratio=0.5)

        def prepare(self, ctx):            # runs once, with the server up
            self.access = ctx.django("access-token", "--email", "bench-workouts@example.com")

        def load(self, ctx, phase):          # phase: "warmup" or "measure"
            return Load(headers={"Authorization": f"Bearer {self.access['access']}"})

Every module in this package is imported by :func:`registry`. ``baseline`` always runs first:
the other figures are read as ratios to it.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import ClassVar, Literal

from bench.context import Context
from bench.wrk import Load, WrkResult

BASELINE = "baseline"
Phase = Literal["warmup", "measure"]


@dataclass(frozen=True)
class Target:
    """What a scenario must reach; ``None`` fields are not checked."""

    min_ratio: float | None = None  # requests/s as a fraction of the baseline's
    max_p99_ms: float | None = None

    def describe(self) -> str:
        parts = []
        if self.min_ratio is not None:
            parts.append(f"ratio >= {self.min_ratio:g}")
        if self.max_p99_ms is not None:
            parts.append(f"p99 <= {self.max_p99_ms:g} ms")
        return ", ".join(parts)

    def as_json(self) -> list[dict[str, object]]:
        checks: list[dict[str, object]] = []
        if self.min_ratio is not None:
            checks.append({"metric": "ratio_to_baseline", "op": ">=", "value": self.min_ratio})
        if self.max_p99_ms is not None:
            checks.append({"metric": "p99_ms", "op": "<=", "value": self.max_p99_ms})
        return checks

    def misses(self, *, ratio: float | None, p99_ms: float) -> list[str]:
        missed = []
        if self.min_ratio is not None and (ratio is None or ratio < self.min_ratio):
            shown = "n/a" if ratio is None else f"{ratio:.3f}"
            missed.append(f"ratio to baseline {shown} < {self.min_ratio:g}")
        if self.max_p99_ms is not None and p99_ms > self.max_p99_ms:
            missed.append(f"p99 {p99_ms:.1f} ms > {self.max_p99_ms:g} ms")
        return missed


@dataclass(frozen=True)
class Request:
    """One request sent before the load, to check the scenario answers 2xx at all."""

    method: str = "GET"
    headers: dict[str, str] | None = None
    body: str | None = None


class Scenario:
    """One endpoint under load. Subclasses set the class attributes and override as needed."""

    name: ClassVar[str]
    method: ClassVar[str] = "GET"
    path: ClassVar[str]
    description: ClassVar[str] = ""
    target: ClassVar[Target | None] = None
    order: ClassVar[int] = 100  # position in a run (then module name, definition order)

    def prepare(self, ctx: Context) -> None:
        """Create what the load needs (users, tokens); the server is already up."""

    def load(self, ctx: Context, phase: Phase) -> Load:
        """What wrk sends in ``phase``; both phases may be asked for."""
        return Load()

    def preflight(self, ctx: Context) -> Request:
        """A single request that must answer 2xx (wrk only counts statuses >= 400)."""
        headers = dict(self.load(ctx, "measure").headers)
        return Request(method=self.method, headers=headers)

    def problems(self, ctx: Context, result: WrkResult) -> list[str]:
        """Reasons the measured run is invalid beyond errors and non-2xx (e.g. no data left)."""
        return []


_REGISTRY: dict[str, type[Scenario]] = {}


def register(cls: type[Scenario]) -> type[Scenario]:
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise RuntimeError(f"two scenarios are named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def registry() -> dict[str, type[Scenario]]:
    """Every scenario, baseline first, then by ``order``, module name and definition order."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}")
    ranked = sorted(_REGISTRY.values(), key=lambda cls: (cls.name != BASELINE, cls.order))
    return {cls.name: cls for cls in ranked}
