"""Studies: figures that are not a requests/s load (a sync's wall time, a query's p50 against
the plain SQL, bytes per stored row). They run after the wrk scenarios, against the same
server and bench database, and print a second table (one row per figure).

To add one, create ``bench/studies/<area>.py``::

    from bench.studies import Check, Study, StudyResult, register

    @register
    class SomethingFast(Study):
        name = "something-fast"
        description = "one POST /api/something of 1,000 items, median of 5"
        targets = ("items/s >= 10,000",)   # shown by --list

        def run(self, ctx, result):           # the server is up; ctx as for scenarios
            seconds = ...
            result.figure("items_per_s", "items/s", 1000 / seconds, "/s", Check(">=", 10_000))

A study that finds the app misbehaving (a wrong answer, a retry that wrote rows) adds to
``result.problems``; one that cannot run raises :class:`bench.BenchError`. Every module in this
package is imported by :func:`registry`. Study names share ``--only`` with scenario names.
"""

from __future__ import annotations

import abc
import importlib
import pkgutil
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit, urlunsplit

from bench.context import Context

# status -> what the table shows (the same words as the scenarios' table)
LABELS = {
    "pass": "pass",
    "ok": "ok",
    "target_missed": "FAIL (target)",
    "invalid": "FAIL (invalid)",
    "broken": "FAIL (broken)",
}


@dataclass(frozen=True)
class Check:
    """A figure's target: ``value op limit``."""

    op: Literal["<=", ">=", "<", ">"]
    limit: float
    shown: str | None = None  # how the table prints the target (default: "op limit")

    def describe(self) -> str:
        return self.shown or f"{self.op} {self.limit:,g}"

    def met(self, value: float) -> bool:
        return {
            "<=": value <= self.limit,
            ">=": value >= self.limit,
            "<": value < self.limit,
            ">": value > self.limit,
        }[self.op]

    def as_json(self) -> dict[str, object]:
        return {"op": self.op, "value": self.limit}


@dataclass
class Figure:
    key: str  # stable, for tools reading results.json
    name: str  # as the table shows it
    value: float | None
    unit: str = ""
    target: Check | None = None
    digits: int = 1

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.value is not None and self.target.met(self.value)

    def shown(self) -> str:
        if self.value is None:
            return "-"
        text = f"{self.value:,.{self.digits}f}"
        return f"{text} {self.unit}" if self.unit else text

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name.strip(),
            "value": None if self.value is None else round(self.value, max(self.digits, 3)),
            "unit": self.unit,
            "target": self.target.as_json() if self.target else None,
            "passed": self.passed,
        }


@dataclass
class StudyResult:
    name: str
    description: str
    figures: list[Figure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # invalidate the study
    details: dict[str, Any] = field(default_factory=dict)  # raw timings, sizes: JSON only
    broken: bool = False
    seconds: float | None = None

    def figure(
        self,
        key: str,
        name: str,
        value: float | None,
        unit: str = "",
        target: Check | None = None,
        *,
        digits: int = 1,
    ) -> Figure:
        added = Figure(key=key, name=name, value=value, unit=unit, target=target, digits=digits)
        self.figures.append(added)
        return added

    @property
    def missed(self) -> list[str]:
        return [
            f"{f.name.strip()} {f.shown()} is not {f.target.describe()}"
            for f in self.figures
            if f.target is not None and not f.passed
        ]

    @property
    def status(self) -> str:
        if self.broken:
            return "broken"
        if self.problems:
            return "invalid"
        if self.missed:
            return "target_missed"
        return "pass" if any(f.target for f in self.figures) else "ok"

    @property
    def valid(self) -> bool:
        return self.status in {"pass", "ok", "target_missed"}

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "figures": [f.as_json() for f in self.figures],
            "details": self.details,
            "seconds": self.seconds,
            "status": self.status,
            "passed": self.status in {"pass", "ok"},
            "problems": self.problems + self.missed,
        }


class Study(abc.ABC):
    """One measured property of the app; subclasses set the class attributes and ``run``."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    targets: ClassVar[tuple[str, ...]] = ()  # for --list only; the checks are in run()
    order: ClassVar[int] = 100  # position in a run (then module name, definition order)

    @abc.abstractmethod
    def run(self, ctx: Context, result: StudyResult) -> None:
        """Measure, filling ``result``'s figures."""


_REGISTRY: dict[str, type[Study]] = {}


def register(cls: type[Study]) -> type[Study]:
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise RuntimeError(f"two studies are named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def registry() -> dict[str, type[Study]]:
    """Every study, by ``order``, then module name and definition order."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}")
    ranked = sorted(_REGISTRY.values(), key=lambda cls: cls.order)
    return {cls.name: cls for cls in ranked}


# --- helpers shared by studies ------------------------------------------------------------


def libpq_url(ctx: Context) -> str:
    """The bench database's URL for psycopg (libpq knows only postgresql:// and postgres://)."""
    parts = urlsplit(ctx.env["DATABASE_URL"])
    return urlunsplit(parts._replace(scheme="postgresql"))


def cpu_busy_percent(interval: float) -> float | None:
    """How busy the CPUs are over ``interval`` seconds, all processes (from /proc/stat; None
    where there is none)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as fh:
            fields = [int(value) for value in fh.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]), idle  # user..steal; guest time is already in user

    try:
        total_before, idle_before = sample()
        time.sleep(interval)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return round(100 * (1 - (idle_after - idle_before) / total), 1) if total > 0 else None


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
