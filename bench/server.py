"""The API under test: gunicorn as in production, on a free loopback port."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from bench import BASE_DIR, WORK_DIR, BenchError

HOST = "127.0.0.1"
# Raised so that no throttle ever answers 429 during a run (see THROTTLE_RATES in settings).
UNTHROTTLED = "100000000/min"
# Variables of the developer's shell that would make the server differ from production.
DROPPED = ("DJANGO_DEBUG", "GUNICORN_ACCESS_LOG", "DJANGO_SETTINGS_MODULE")


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def app_env(database_url: str) -> dict[str, str]:
    """The environment of the server and of every Django helper of one run.

    The helpers must share it: tokens they mint are signed with this run's secret key.
    REDIS_URL (cache and throttles on Redis) and JWT_SIGNING_KEY pass through when set.
    """
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; production runs behind TLS
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        THROTTLE_USER=UNTHROTTLED,
        THROTTLE_ANON=UNTHROTTLED,
        THROTTLE_REFRESH=UNTHROTTLED,
        PYTHONUNBUFFERED="1",
    )
    # Stripe on a local stand-in (bench.stripe_standin) for the billing replay storm.
    from bench.stripe_standin import server_env

    env.update(server_env())
    return env


def manage(env: dict[str, str], *args: str) -> None:
    """Run ``manage.py`` with the bench environment; raise with its output on failure."""
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).strip()
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{output[-3000:]}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def http_request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    timeout: float = 5.0,
) -> tuple[int, str]:
    """One request to the server under test (no redirect following): (status, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


class Server:
    """``gunicorn -c config/gunicorn_settings.py`` in its own process group.

    Used as a context manager: leaving the block (normally, on an error or on Ctrl-C) stops
    the master and then anything left in its process group.
    """

    def __init__(self, env: dict[str, str], *, workers: int, log_path: Path) -> None:
        self.port = free_port()
        self.workers = workers
        self.log_path = log_path
        self.env = {
            **env,
            "HOST": HOST,
            "PORT": str(self.port),
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> None:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn_settings.py"],
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us, not it: we stop it in order
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with code {self.proc.returncode} while starting:\n"
                    f"{self.log_tail()}"
                )
            try:
                status, _ = http_request(self.port, "GET", "/healthz", timeout=2)
            except OSError:
                status = 0
            if status == 200:
                return
            time.sleep(0.2)
        raise BenchError(f"/healthz did not answer 200 within {timeout:.0f}s:\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_reason(self) -> str:
        code = self.proc.poll() if self.proc is not None else None
        if code is None:
            return "running"
        if code < 0:
            return f"killed by {signal.Signals(-code).name}, not by the bench"
        return f"exit code {code}"

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        self.proc = None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of the workers
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
        # Whatever is left of this server's process group (a stuck worker): kill it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:]) or "(server log is empty)"
