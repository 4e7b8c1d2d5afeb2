"""Reads owned by core: readiness of the backing services."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dependency:
    name: str
    ok: bool
    error: str | None = None


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was written")
    cache.delete(key)


# How long the broker check may take. A readiness probe must answer quickly whatever the broker
# does: refuse the connection, accept it and never answer, or drop packets.
BROKER_CHECK_TIMEOUT_SECONDS = 2.0


def _broker() -> None:
    from celery import current_app

    # One attempt (max_retries=0): kombu sleeps ``interval_start`` (2 s) before every retry.
    # kombu's Redis transport ignores ``connect_timeout`` and has no socket timeouts unless
    # given, so a broker that accepts but never answers would hang the probe; other
    # transports ignore these options.
    timeout = BROKER_CHECK_TIMEOUT_SECONDS
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    with current_app.connection_for_write(
        connect_timeout=timeout, transport_options=options
    ) as conn:
        conn.ensure_connection(max_retries=0)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


def dependencies_check() -> list[Dependency]:
    results = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; the reason is reported
            logger.warning("readiness check failed", extra={"dependency": name, "error": str(exc)})
            results.append(Dependency(name=name, ok=False, error=exc.__class__.__name__))
        else:
            results.append(Dependency(name=name, ok=True))
    return results
