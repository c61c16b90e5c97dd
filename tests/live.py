"""Start ``siting serve`` (gunicorn, the production server) on a free port for a test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITING = Path(sys.executable).with_name("siting")


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    data_dir: Path,
    demand_log: Path,
    *,
    dev: bool = False,
    workers: int = 2,
    threads: int = 4,
    env: dict[str, str] | None = None,
    timeout_s: float = 90.0,
    capture_errors: bool = False,
) -> Iterator[str]:
    """Run the server until the block ends; yield its base URL."""
    port = free_port()
    args = [str(SITING), "serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--data", str(data_dir)]
    args += ["--dev"] if dev else ["--workers", str(workers), "--threads", str(threads)]
    environ = {**os.environ, "SITING_DEMAND_LOG": str(demand_log), **(env or {})}
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if capture_errors else subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                msg = f"siting serve exited with {proc.returncode}: {err[-2000:]}"
                raise RuntimeError(msg)
            try:
                with urllib.request.urlopen(f"{url}/api/destinations", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
