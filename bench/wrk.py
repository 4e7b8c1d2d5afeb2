"""wrk: find (or install) it, run it, parse what it prints."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench import BenchError

# wrk prints durations with these units (see format_time in wrk's units.c).
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = r"([\d.]+)(us|ms|s|m|h)"
_PERCENTILE = re.compile(rf"^\s*(\d+(?:\.\d+)?)%\s+{_TIME}\s*$")
_REQUESTS = re.compile(rf"^\s*(\d+) requests in {_TIME},")
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)")
_SOCKET = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.MULTILINE
)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def ensure_wrk() -> str:
    """The path of wrk; installed with apt-get (Debian package ``wrk``) when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise BenchError("wrk is not installed and apt-get is not available: install wrk.")
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed: run `sudo apt-get install -y wrk` and retry.")
    print("bench: wrk not found, installing it: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def install() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [apt, "install", "-y", "wrk"], env=env, capture_output=True, text=True, check=False
        )

    proc = install()
    if proc.returncode != 0:
        print("bench: apt-get install failed, running apt-get update first")
        subprocess.run([apt, "update"], env=env, capture_output=True, text=True, check=False)
        proc = install()
    found = shutil.which("wrk")
    if proc.returncode != 0 or not found:
        raise BenchError(
            "wrk is not installed and `apt-get install -y wrk` failed:\n"
            + (proc.stdout + proc.stderr).strip()[-2000:]
        )
    print(f"bench: installed wrk ({found})")
    return found


def wrk_version(wrk: str) -> str:
    proc = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (proc.stdout + proc.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "unknown"


@dataclass(frozen=True)
class Load:
    """What wrk sends: fixed headers, optionally a Lua script (with arguments after ``--``)."""

    headers: dict[str, str] = field(default_factory=dict)
    script: Path | None = None
    script_args: tuple[str, ...] = ()


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    rps: float
    percentiles_ms: dict[str, float]  # "50", "75", "90", "99"
    socket_errors: dict[str, int]  # connect, read, write, timeout
    non_2xx: int  # wrk counts statuses >= 400 here (its "Non-2xx or 3xx responses")
    output: str

    @property
    def socket_errors_total(self) -> int:
        return sum(self.socket_errors.values())


def to_ms(value: str, unit: str) -> float:
    return float(value) * UNIT_MS[unit]


def parse(output: str) -> WrkResult:
    percentiles: dict[str, float] = {}
    requests = 0
    duration_s = 0.0
    rps = 0.0
    in_distribution = False
    for line in output.splitlines():
        if line.strip() == "Latency Distribution":
            in_distribution = True
            continue
        if in_distribution:
            match = _PERCENTILE.match(line)
            if match:
                key = format(float(match.group(1)), "g")  # "50", "99", "99.9"
                percentiles[key] = to_ms(match.group(2), match.group(3))
                continue
            in_distribution = False
        if match := _REQUESTS.match(line):
            requests = int(match.group(1))
            duration_s = to_ms(match.group(2), match.group(3)) / 1000
        elif match := _RPS.match(line):
            rps = float(match.group(1))
    if "50" not in percentiles or "99" not in percentiles or not duration_s:
        raise BenchError(f"could not parse wrk's output:\n{output}")
    socket = _SOCKET.search(output)
    socket_errors = dict.fromkeys(("connect", "read", "write", "timeout"), 0)
    if socket:
        socket_errors = dict(zip(socket_errors, map(int, socket.groups()), strict=True))
    non_2xx = _NON_2XX.search(output)
    return WrkResult(
        requests=requests,
        duration_s=duration_s,
        rps=rps,
        percentiles_ms=percentiles,
        socket_errors=socket_errors,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        output=output,
    )


def run(
    wrk: str,
    url: str,
    load: Load,
    *,
    duration_s: int,
    threads: int,
    connections: int,
    output_path: Path | None = None,
) -> WrkResult:
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration_s}s",
        "--latency",
    ]
    for name, value in load.headers.items():
        command += ["--header", f"{name}: {value}"]
    if load.script is not None:
        command += ["--script", str(load.script)]
    command.append(url)
    if load.script_args:
        command += ["--", *load.script_args]
    proc = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=duration_s + 60
    )
    output = proc.stdout + (f"\n[stderr]\n{proc.stderr}" if proc.stderr.strip() else "")
    if output_path is not None:
        output_path.write_text(output)
    if proc.returncode != 0:
        raise BenchError(f"wrk exited with code {proc.returncode}:\n{output.strip()}")
    return parse(proc.stdout)
