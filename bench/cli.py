"""``python -m bench``: set up, serve, load each scenario, run each study, report."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import subprocess
import sys
import textwrap
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

from bench import BASE_DIR, RESULTS_PATH, WORK_DIR, BenchError, wrk
from bench.context import Context, Options
from bench.database import BENCH_DATABASE, bench_database
from bench.report import ScenarioResult, study_table, table, write_json
from bench.scenarios import BASELINE, Scenario, registry
from bench.server import Server, app_env, cpu_count, http_request, manage
from bench.studies import Study, StudyResult, cpu_busy_percent
from bench.studies import registry as study_registry

EXIT_OK = 0  # every scenario and study measured (targets may be missed: the tables say so)
EXIT_BROKEN = 1  # the bench could not run (setup, server, wrk, a scenario's preparation)
EXIT_INVALID = 3  # a scenario had errors, non-2xx answers or ran out of data; a study invalid
EXIT_INTERRUPTED = 130


def _scenario_list() -> str:
    lines = []
    for name, cls in registry().items():
        target = f"  [target: {cls.target.describe()}]" if cls.target else ""
        lines.append(f"  {name:<16} {cls.description}{target}")
    return "\n".join(lines)


def _study_list() -> str:
    lines = []
    for name, cls in study_registry().items():
        targets = f"  [targets: {'; '.join(cls.targets)}]" if cls.targets else ""
        lines.append(f"  {name:<16} {cls.description}{targets}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.dedent(
            f"""\
            Load-test FitCore as it runs in production and report requests/s and latency.

            Serves the API with gunicorn (config/gunicorn_settings.py, one worker per core,
            DJANGO_ENV=production, throttles raised out of the way) on a free 127.0.0.1 port,
            against the PostgreSQL database {BENCH_DATABASE!r} (on the DATABASE_URL server if
            set, else on the embedded PostgreSQL; created and migrated as needed), with Redis
            for cache and throttles when REDIS_URL is set. Each scenario is driven by wrk
            (installed with apt-get if missing) for a warm-up, then for --duration seconds.
            Ratios compare a scenario's requests/s to the baseline's, which always runs with
            the scenarios. Then each study (figures that are not a load: a sync's wall time,
            a query's latency against plain SQL, bytes per row) runs against the same server
            and database and prints a second table."""
        ),
        epilog=textwrap.dedent(
            f"""\
            scenarios:
              {{scenarios}}

            studies:
              {{studies}}

            output: two tables (scenarios, studies) on stdout, and
            {RESULTS_PATH.relative_to(BASE_DIR)} (JSON).
            Per-run files (tokens, wrk outputs, server log) go to
            {WORK_DIR.relative_to(BASE_DIR)}/ (git-ignored).

            exit codes:
              0  every scenario measured cleanly (a missed target shows in the table/JSON)
              1  the bench itself broke (setup, server, wrk, a scenario's preparation)
              2  bad command-line arguments
              3  a scenario is invalid: socket errors, non-2xx answers, or it ran out of
                 pre-made data (e.g. refresh tokens); or a study is (e.g. a wrong answer)
            """
        )
        .replace("{scenarios}", _scenario_list().lstrip())
        .replace("{studies}", _study_list().lstrip()),
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=10,
        metavar="S",
        help="seconds measured per scenario (default %(default)s)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        metavar="S",
        help="seconds of load before measuring (default %(default)s)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=16,
        metavar="N",
        help="open HTTP connections (default %(default)s)",
    )
    parser.add_argument(
        "--threads", type=int, default=2, metavar="N", help="wrk threads (default %(default)s)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=cpu_count(),
        metavar="N",
        help="gunicorn workers (default: the number of cores, %(default)s)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only these scenarios and studies (repeat or comma-separate); the baseline "
        "runs whenever a scenario does",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the scenarios and studies and exit"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_PATH,
        metavar="PATH",
        help=f"where to write the JSON results (default {RESULTS_PATH.relative_to(BASE_DIR)})",
    )
    return parser


def _selected(
    parser: argparse.ArgumentParser, only: list[str] | None
) -> tuple[list[Scenario], list[Study]]:
    available = registry()
    studies = study_registry()
    if not only:
        return [cls() for cls in available.values()], [cls() for cls in studies.values()]
    wanted = {name.strip() for item in only for name in item.split(",") if name.strip()}
    unknown = sorted(wanted - set(available) - set(studies))
    if unknown:
        parser.error(
            f"unknown scenario(s) or study(ies): {', '.join(unknown)}; available: "
            f"{', '.join(available)}; studies: {', '.join(studies)}"
        )
    if wanted & set(available):
        wanted.add(BASELINE)
    return (
        [cls() for name, cls in available.items() if name in wanted],
        [cls() for name, cls in studies.items() if name in wanted],
    )


def _git() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", *args], cwd=BASE_DIR, capture_output=True, text=True, check=False
            )
        except OSError:
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"git_commit": commit, "git_dirty": bool(status) if status is not None else None}


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_scenario(
    scenario: Scenario, ctx: Context, wrk_path: str, index: int, total: int
) -> ScenarioResult:
    result = ScenarioResult(
        name=scenario.name,
        method=scenario.method,
        path=scenario.path,
        description=scenario.description,
        target=scenario.target,
    )
    options = ctx.options
    url = f"http://127.0.0.1:{ctx.port}{scenario.path}"
    print(f"[{index}/{total}] {scenario.name}: {scenario.description}", flush=True)
    try:
        scenario.prepare(ctx)
        request = scenario.preflight(ctx)
        status, body = http_request(
            ctx.port, request.method, scenario.path, headers=request.headers, body=request.body
        )
        if not 200 <= status < 300:
            result.broken = True
            result.problems.append(f"preflight {request.method} answered {status}: {body[:300]}")
            print(f"    preflight answered {status}, not measuring", flush=True)
            return result
        if options.warmup:
            print(f"    warm-up {options.warmup}s", flush=True)
            wrk.run(
                wrk_path,
                url,
                scenario.load(ctx, "warmup"),
                duration_s=options.warmup,
                threads=options.threads,
                connections=options.connections,
                output_path=ctx.work_dir / f"{scenario.name}.warmup.txt",
            )
        print(f"    measuring {options.duration}s", flush=True)
        measured = wrk.run(
            wrk_path,
            url,
            scenario.load(ctx, "measure"),
            duration_s=options.duration,
            threads=options.threads,
            connections=options.connections,
            output_path=ctx.work_dir / f"{scenario.name}.wrk.txt",
        )
        result.wrk = measured
        if measured.non_2xx:
            result.problems.append(f"{measured.non_2xx} responses were not 2xx")
        if measured.socket_errors_total:
            detail = ", ".join(f"{k} {v}" for k, v in measured.socket_errors.items() if v)
            result.problems.append(f"socket errors: {detail}")
        result.problems += scenario.problems(ctx, measured)
        print(
            f"    {measured.rps:,.0f} req/s, p50 {measured.percentiles_ms['50']:.2f} ms, "
            f"p99 {measured.percentiles_ms['99']:.2f} ms",
            flush=True,
        )
    except BenchError as exc:
        result.broken = True
        result.problems.append(str(exc))
        print(f"    broken: {exc}", flush=True)
    return result


def run_study(study: Study, ctx: Context, index: int, total: int) -> StudyResult:
    result = StudyResult(name=study.name, description=study.description)
    print(f"[study {index}/{total}] {study.name}: {study.description}", flush=True)
    # Studies time single requests: other processes on the machine show up directly. With
    # the server and the bench idle, what keeps the CPU busy now is someone else.
    busy_before = cpu_busy_percent(0.5)
    if busy_before is not None and busy_before > 20:
        print(
            f"    note: the CPU was {busy_before:.0f}% busy with other processes just before "
            "the study: figures will be noisy",
            flush=True,
        )
    started = time.monotonic()
    try:
        study.run(ctx, result)
    except BenchError as exc:
        result.broken = True
        result.problems.append(str(exc))
        print(f"    broken: {exc}", flush=True)
    result.seconds = round(time.monotonic() - started, 1)
    result.details["cpu_busy_percent_before"] = busy_before
    return result


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list:
        print(f"scenarios:\n{_scenario_list()}\nstudies:\n{_study_list()}")
        return EXIT_OK
    for flag in ("duration", "connections", "threads", "workers"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be 0 or more")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    scenarios, studies = _selected(parser, args.only)
    options = Options(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
    )

    # Ctrl-C, kill, a closed terminal: all end in the same clean-up (the server is stopped),
    # even when started in the background with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_interrupt)
    started = dt.datetime.now(dt.UTC)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    try:
        wrk_path = wrk.ensure_wrk() if scenarios else None
        database = bench_database()
        env = app_env(database.url)
        cache = "redis" if env.get("REDIS_URL") else "locmem"
        where = "embedded PostgreSQL" if database.source == "embedded" else "DATABASE_URL server"
        print(
            f"bench: {len(scenarios)} scenario(s) x ({options.warmup}s warm-up + "
            f"{options.duration}s), {options.connections} connections, {options.threads} wrk "
            f"threads; {len(studies)} study(ies); gunicorn {args.workers} workers; database "
            f"{BENCH_DATABASE} on the {where}; cache {cache}",
            flush=True,
        )
        print("bench: migrating the bench database", flush=True)
        manage(env, "migrate", "--noinput")
        Context(options=options, port=0, env=env).django("reset")

        results: list[ScenarioResult] = []
        study_results: list[StudyResult] = []
        server = Server(env, workers=args.workers, log_path=WORK_DIR / "server.log")
        with server:
            print(f"bench: server up at {server.base_url} (log: {server.log_path})", flush=True)
            ctx = Context(options=options, port=server.port, env=env)
            for index, scenario in enumerate(scenarios, start=1):
                assert wrk_path is not None
                results.append(run_scenario(scenario, ctx, wrk_path, index, len(scenarios)))
                if not server.alive():
                    raise BenchError(
                        f"the server stopped during a run ({server.exit_reason()}):\n"
                        f"{server.log_tail()}"
                    )
            for index, study in enumerate(studies, start=1):
                study_results.append(run_study(study, ctx, index, len(studies)))
                if not server.alive():
                    raise BenchError(
                        f"the server stopped during a study ({server.exit_reason()}):\n"
                        f"{server.log_tail()}"
                    )
            server_log = server.log_tail(5)
    except KeyboardInterrupt:
        print("\nbench: interrupted; the server was stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BenchError as exc:
        print(f"\nbench: error: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    except Exception:
        traceback.print_exc()
        print("\nbench: error: unexpected failure (the server was stopped)", file=sys.stderr)
        return EXIT_BROKEN

    baseline = next((r for r in results if r.name == BASELINE), None)
    baseline_rps = baseline.wrk.rps if baseline and baseline.wrk and baseline.valid else None
    for result in results:
        result.evaluate(baseline_rps)

    meta = {
        "timestamp": started.isoformat(timespec="seconds"),
        **_git(),
        "cpu_count": cpu_count(),
        "duration_s": options.duration,
        "warmup_s": options.warmup,
        "connections": options.connections,
        "threads": options.threads,
        "server": {
            "workers": args.workers,
            "worker_class": env.get("GUNICORN_WORKER_CLASS", "gthread"),
            "threads": int(env.get("GUNICORN_THREADS", "4")),
        },
        "database": database.source,
        "cache": cache,
        "wrk": wrk.wrk_version(wrk_path) if wrk_path else None,
        "elapsed_s": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
    }
    write_json(args.output, meta, results, study_results)

    if results:
        print()
        print(table(results))
    if study_results:
        print()
        print(study_table(study_results))
    print()
    print(f"bench: results written to {args.output}")
    invalid = any(not r.valid for r in results) or any(not s.valid for s in study_results)
    if invalid and server_log.strip():
        shown = "\n".join(line[:300] for line in server_log.splitlines())
        print(f"bench: last lines of the server log ({WORK_DIR / 'server.log'}):\n{shown}")
    if any(r.status == "broken" for r in results) or any(s.broken for s in study_results):
        return EXIT_BROKEN
    if invalid:
        return EXIT_INVALID
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
