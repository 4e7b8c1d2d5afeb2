"""What a scenario gets to prepare its load: the run's options, the server, Django helpers."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import BASE_DIR, WORK_DIR, BenchError


@dataclass(frozen=True)
class Options:
    duration: int  # seconds measured per scenario
    warmup: int  # seconds of load before measuring (0: none)
    connections: int
    threads: int


@dataclass(frozen=True)
class Context:
    options: Options
    port: int
    env: dict[str, str]  # the server's environment (bench database, this run's secret key)
    work_dir: Path = WORK_DIR

    def django(self, *args: str) -> dict[str, Any]:
        """Run ``python -m bench.django_tasks ARGS`` against the bench database."""
        proc = subprocess.run(
            [sys.executable, "-m", "bench.django_tasks", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr).strip()
            raise BenchError(f"bench.django_tasks {args[0]} failed:\n{output[-3000:]}")
        try:
            result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError) as exc:
            raise BenchError(
                f"bench.django_tasks {args[0]} printed no JSON:\n{proc.stdout}"
            ) from exc
        return result
