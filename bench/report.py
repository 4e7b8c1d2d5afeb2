"""Per-scenario results, the printed tables (scenarios, studies) and bench/results.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.scenarios import Target
from bench.studies import LABELS as STUDY_LABELS
from bench.studies import StudyResult
from bench.wrk import WrkResult

# status -> what the table shows
LABELS = {
    "pass": "pass",
    "ok": "ok",
    "target_missed": "FAIL (target)",
    "errors": "FAIL (errors)",
    "invalid": "FAIL (invalid)",
    "broken": "FAIL (broken)",
}


@dataclass
class ScenarioResult:
    name: str
    method: str
    path: str
    description: str
    target: Target | None
    wrk: WrkResult | None = None
    problems: list[str] = field(default_factory=list)  # invalidate the measurement
    broken: bool = False  # the scenario could not be run at all
    ratio_to_baseline: float | None = None
    missed: list[str] = field(default_factory=list)  # target checks not met

    @property
    def errors(self) -> bool:
        return self.wrk is not None and bool(self.wrk.non_2xx or self.wrk.socket_errors_total)

    @property
    def status(self) -> str:
        if self.broken or self.wrk is None:
            return "broken"
        if self.errors:
            return "errors"
        if self.problems:
            return "invalid"
        if self.missed:
            return "target_missed"
        return "pass" if self.target else "ok"

    @property
    def valid(self) -> bool:
        return self.status in {"pass", "ok", "target_missed"}

    @property
    def passed(self) -> bool:
        return self.status in {"pass", "ok"}

    def evaluate(self, baseline_rps: float | None) -> None:
        if self.wrk is None:
            return
        if baseline_rps:
            self.ratio_to_baseline = self.wrk.rps / baseline_rps
        if self.target is not None:
            self.missed = self.target.misses(
                ratio=self.ratio_to_baseline, p99_ms=self.wrk.percentiles_ms["99"]
            )

    def as_json(self) -> dict[str, Any]:
        wrk = self.wrk
        return {
            "name": self.name,
            "method": self.method,
            "path": self.path,
            "description": self.description,
            "requests": wrk.requests if wrk else None,
            "duration_s": round(wrk.duration_s, 3) if wrk else None,
            "rps": round(wrk.rps, 2) if wrk else None,
            "p50_ms": round(wrk.percentiles_ms["50"], 3) if wrk else None,
            "p75_ms": round(wrk.percentiles_ms.get("75", 0.0), 3) if wrk else None,
            "p90_ms": round(wrk.percentiles_ms.get("90", 0.0), 3) if wrk else None,
            "p99_ms": round(wrk.percentiles_ms["99"], 3) if wrk else None,
            "non_2xx": wrk.non_2xx if wrk else None,
            "socket_errors": wrk.socket_errors_total if wrk else None,
            "socket_errors_detail": wrk.socket_errors if wrk else None,
            "ratio_to_baseline": (
                round(self.ratio_to_baseline, 4) if self.ratio_to_baseline is not None else None
            ),
            "target": self.target.as_json() if self.target else None,
            "status": self.status,
            "passed": self.passed,
            "problems": self.problems + self.missed,
        }


def _errors_cell(result: ScenarioResult) -> str:
    if result.wrk is None:
        return "-"
    parts = []
    if result.wrk.non_2xx:
        parts.append(f"non-2xx {result.wrk.non_2xx}")
    if result.wrk.socket_errors_total:
        parts.append(f"socket {result.wrk.socket_errors_total}")
    return ", ".join(parts) or "0"


def table(results: list[ScenarioResult]) -> str:
    header = ["scenario", "req/s", "p50 ms", "p99 ms", "x baseline", "errors", "target", "result"]
    rows = [header]
    for r in results:
        wrk = r.wrk
        rows.append(
            [
                r.name,
                f"{wrk.rps:,.0f}" if wrk else "-",
                f"{wrk.percentiles_ms['50']:.2f}" if wrk else "-",
                f"{wrk.percentiles_ms['99']:.2f}" if wrk else "-",
                f"{r.ratio_to_baseline:.3f}" if r.ratio_to_baseline is not None else "-",
                _errors_cell(r),
                r.target.describe() if r.target else "-",
                LABELS[r.status],
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {1, 2, 3, 4}

    def line(row: list[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    out = [line(rows[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows[1:]]
    notes = [f"  {r.name}: {p}" for r in results for p in r.problems + r.missed]
    if notes:
        out += ["", "Problems:", *notes]
    return "\n".join(out)


def study_table(results: list[StudyResult]) -> str:
    """One row per figure: study, figure, value, target, pass/fail."""
    header = ["study", "figure", "value", "target", "result"]
    rows = [header]
    for study in results:
        name = study.name
        if study.broken or study.problems:  # the study as a whole, before its figures
            rows.append([name, "(study)", "-", "-", STUDY_LABELS[study.status]])
            name = ""
        for figure in study.figures:
            verdict = "-" if figure.passed is None else "pass" if figure.passed else "FAIL"
            target = figure.target.describe() if figure.target else "-"
            rows.append([name, figure.name, figure.shown(), target, verdict])
            name = ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i == 2 else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    out = [line(rows[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows[1:]]
    notes = [f"  {r.name}: {p}" for r in results for p in r.problems + r.missed]
    if notes:
        out += ["", "Problems:", *notes]
    return "\n".join(out)


def write_json(
    path: Path,
    meta: dict[str, Any],
    results: list[ScenarioResult],
    studies: list[StudyResult] | None = None,
) -> None:
    document: dict[str, Any] = {**meta, "scenarios": [r.as_json() for r in results]}
    if studies is not None:
        document["studies"] = [s.as_json() for s in studies]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, indent=2) + "\n")
    tmp.replace(path)
