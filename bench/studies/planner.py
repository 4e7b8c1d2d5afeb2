"""The meal-plan generator (our engine) over the real recipe library: 50 fixed profiles x 7 days.

The planning runs in its own process (``python -m bench.planner_tasks``, see there) so the
figures are the engine's own time: no HTTP, no database. Profiles span 1,400 to 3,600 kcal,
every diet, common allergies, 3 to 6 meals a day, some with a prep-time limit.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench import BASE_DIR, BenchError
from bench.context import Context
from bench.studies import Check, Study, StudyResult, register


@register
class MealPlanGenerator(Study):
    name = "meal-plans"
    description = "our engine: 50 profiles x 7-day plans over the recipe library"
    targets = (
        "days within tolerance >= 95 %",
        "diet/allergy violations = 0",
        "p50 generation <= 1 s",
    )
    order = 60

    def run(self, ctx: Context, result: StudyResult) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "bench.planner_tasks"],
            cwd=BASE_DIR,
            env=ctx.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr).strip()
            raise BenchError(f"bench.planner_tasks failed:\n{output[-3000:]}")
        try:
            data = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError) as exc:
            raise BenchError(f"bench.planner_tasks printed no JSON:\n{proc.stdout}") from exc
        result.figure("recipes", "recipes in the library", data["recipes"], digits=0)
        result.figure(
            "days_within_percent",
            "days within tolerance",
            100 * data["share_within"],
            "%",
            Check(">=", 95),
        )
        result.figure(
            "violations", "diet/allergy/repeat violations", data["violations"], "", Check("<=", 0)
        )
        result.figure("infeasible_plans", "plans refused (422)", len(data["infeasible"]), digits=0)
        result.figure(
            "p50_s", "p50 generation (7 days)", data["p50_s"], "s", Check("<=", 1), digits=3
        )
        result.figure("p95_s", "p95 generation (7 days)", data["p95_s"], "s", digits=3)
        result.details.update(
            {
                "days": data["days"],
                "days_within": data["days_within"],
                "infeasible": data["infeasible"],
                "violation_examples": data["violation_examples"],
                "max_s": data["max_s"],
                "seconds": data["seconds"],
            }
        )
        if data["violations"]:
            result.problems.append(
                f"{data['violations']} violations, e.g. {data['violation_examples'][:3]}"
            )
