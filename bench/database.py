"""The bench database: ``fitcore_bench`` (or ``BENCH_DATABASE``) on the configured server.

With ``DATABASE_URL`` set, the bench uses that server (never its database); without it, the
embedded PostgreSQL that settings use (:mod:`core.embedded_db`). Either way the data the bench
writes stays in a database of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from bench import BenchError

BENCH_DATABASE = os.environ.get("BENCH_DATABASE") or "fitcore_bench"
# Schemes dj-database-url maps to the PostgreSQL backend; libpq itself knows only two.
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}


@dataclass(frozen=True)
class BenchDatabase:
    url: str  # for Django (DATABASE_URL of the server and the helpers); may hold a password
    source: str  # "DATABASE_URL" or "embedded": printed and recorded, the URL never is


def _with_database(url: str, name: str, *, libpq: bool = False) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if libpq else parts.scheme
    return urlunsplit(parts._replace(scheme=scheme, path=f"/{name}"))


def _create_if_missing(server_url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(server_url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BenchError(f"DATABASE_URL must point at PostgreSQL (scheme {parts.scheme!r}).")
    current = parts.path.lstrip("/")
    # Connect to the configured database (it exists, the user may use it), else "postgres".
    candidates = [current] if current else []
    candidates.append("postgres")
    last_error: Exception | None = None
    for name in candidates:
        try:
            conn = psycopg.connect(
                _with_database(server_url, name, libpq=True), autocommit=True, connect_timeout=10
            )
        except psycopg.OperationalError as exc:
            last_error = exc
            continue
        with conn:
            row = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DATABASE,)
            ).fetchone()
            if row is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
                print(f"bench: created database {BENCH_DATABASE}")
        return
    raise BenchError(f"cannot connect to PostgreSQL to create {BENCH_DATABASE}: {last_error}")


def bench_database() -> BenchDatabase:
    """Make sure ``fitcore_bench`` exists and return its URL."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        source = "DATABASE_URL"
        server_url = configured
    else:
        from core.embedded_db import embedded_database_url

        source = "embedded"
        try:
            server_url = embedded_database_url()
        except Exception as exc:
            raise BenchError(f"the embedded PostgreSQL did not start: {exc}") from exc
    _create_if_missing(server_url)
    return BenchDatabase(url=_with_database(server_url, BENCH_DATABASE), source=source)
