"""FitCore benchmark suite (``make bench`` / ``python -m bench``).

It serves the API the way production does (gunicorn with ``config/gunicorn_settings.py``, one
worker per core, ``DJANGO_ENV=production``) against a dedicated PostgreSQL database
``fitcore_bench``, drives it with wrk from a separate process, and reports requests/s and
latency percentiles per scenario, each also as a ratio to the authenticated ``baseline``
endpoint. Scenarios live in :mod:`bench.scenarios` (one module per area, a small registry).
Studies (:mod:`bench.studies`, the same kind of registry) then measure what is not a
requests/s load, against the same server and database: a 10,000-sample health sync, a year of
metrics against the plain SQL, bytes per stored sample, an export import's memory.
"""

from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / "work"  # git-ignored: tokens, wrk outputs, server log
LUA_DIR = BENCH_DIR / "lua"
RESULTS_PATH = BENCH_DIR / "results.json"


class BenchError(Exception):
    """The bench itself could not run (as opposed to a scenario missing its target)."""
