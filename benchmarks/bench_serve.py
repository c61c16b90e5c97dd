"""Serving: POST /api/match under load, `siting serve` (gunicorn) against Werkzeug's dev server.

Both servers run the same app over the same data with warmed caches, on loopback, and get
the same requests: ``CLIENTS`` concurrent keep-alive clients send ``REQUESTS`` match requests
cycling through ``PROFILES`` distinct firm profiles. Reported: throughput, p95 latency and
errors (any non-200). Also the latency of ``GET /api/isochrone`` for an arbitrary point
with four bands under ``siting serve``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SITING = Path(sys.executable).with_name("siting")

CLIENTS = 16
REQUESTS = 1200
WARMUP = 64
PROFILES = 48
ISOCHRONE_POINTS = ((136.60, 36.55), (136.70, 36.62), (136.62, 36.50), (136.66, 36.60))
ISOCHRONE_BANDS = "5,10,20,30"

DEV_SERVER = """
import sys
from werkzeug.serving import run_simple
from webapp import create_app, warm_caches
app = create_app({"DATA_DIR": sys.argv[2]})
warm_caches(app)
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)
"""
"""The Werkzeug development server as `siting serve` ran before: threaded, same app."""


def _profiles() -> list[bytes]:
    """Distinct, valid firm profiles (areas, industries, drive limits, hires vary)."""
    rng = np.random.default_rng(20261129)
    industries = ["manufacturing", "high_tech_manufacturing", "logistics_wholesale", "research"]
    out = []
    for i in range(PROFILES):
        low = int(rng.integers(1_000, 20_000))
        hires = int(rng.integers(5, 80))
        profile = {
            "industry": industries[i % len(industries)],
            "project": "new_site",
            "origin": ["outside_prefecture", "inside_prefecture", "inside_city"][i % 3],
            "land_m2": {"min": low, "max": low * 3},
            "investment_jpy": {
                "land": int(rng.integers(1, 50)) * 10_000_000,
                "building": int(rng.integers(1, 80)) * 10_000_000,
                "equipment": int(rng.integers(1, 80)) * 10_000_000,
            },
            "new_hires": hires,
            "new_hires_residents": hires // 2,
            "max_drive_minutes": {"interchange": int(rng.integers(8, 30))},
        }
        out.append(json.dumps(profile).encode())
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(args: list[str], port: int, env: dict[str, str]) -> Iterator[str]:
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/destinations", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    msg = f"server {args[:3]} did not start"
                    raise RuntimeError(msg) from None
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


async def _client(
    port: int, bodies: list[bytes], jobs: asyncio.Queue[int], latencies: list[float]
) -> int:
    """One keep-alive client: send queued requests, record latency; return the error count."""
    errors = 0
    reader = writer = None
    while True:
        try:
            i = jobs.get_nowait()
        except asyncio.QueueEmpty:
            break
        body = bodies[i % len(bodies)]
        request = (
            b"POST /api/match HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nAccept-Language: en\r\n\r\n".encode()
            + body
        )
        start = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and "close" in value.lower():
                    close = True
            await reader.readexactly(length)
            if b" 200 " not in status_line:
                errors += 1
            if close or status_line.startswith(b"HTTP/1.0"):
                writer.close()
                reader = writer = None
        except (OSError, asyncio.IncompleteReadError):
            errors += 1
            reader = writer = None
        latencies.append(time.perf_counter() - start)
    if writer is not None:
        writer.close()
    return errors


async def _load(port: int, bodies: list[bytes], count: int, offset: int) -> dict[str, float]:
    jobs: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        jobs.put_nowait(offset + i)
    latencies: list[float] = []
    start = time.perf_counter()
    errors = await asyncio.gather(*(_client(port, bodies, jobs, latencies) for _ in range(CLIENTS)))
    elapsed = time.perf_counter() - start
    return {
        "rps": count / elapsed,
        "p50_ms": float(np.percentile(latencies, 50)) * 1000,
        "p95_ms": float(np.percentile(latencies, 95)) * 1000,
        "errors": float(sum(errors)),
    }


def _measure(url: str, bodies: list[bytes]) -> dict[str, float]:
    port = int(url.rsplit(":", 1)[1])
    asyncio.run(_load(port, bodies, WARMUP, 0))
    return asyncio.run(_load(port, bodies, REQUESTS, WARMUP))


def _isochrone_s(url: str) -> float:
    times = []
    for _ in range(3):
        for lon, lat in ISOCHRONE_POINTS:
            start = time.perf_counter()
            query = f"at={lon},{lat}&minutes={ISOCHRONE_BANDS}"
            with urllib.request.urlopen(f"{url}/api/isochrone?{query}", timeout=60) as response:
                response.read()
                assert response.status == 200
            times.append(time.perf_counter() - start)
    return float(np.median(times))


def run() -> Iterator[dict[str, Any]]:
    """Yield throughput, p95 and errors of both servers, and the isochrone latency."""
    bodies = _profiles()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"SITING_DEMAND_LOG": str(Path(tmp) / "demand.jsonl")}
        port = _free_port()
        args = [str(SITING), "serve", "--port", str(port), "--data", str(DATA_DIR)]
        with _server(args, port, env) as url:
            ours = _measure(url, bodies)
            iso = _isochrone_s(url)
        port = _free_port()
        args = [sys.executable, "-c", DEV_SERVER, str(port), str(DATA_DIR)]
        with _server(args, port, env) as url:
            dev = _measure(url, bodies)
    label = f"{CLIENTS} clients, {REQUESTS} requests, {PROFILES} distinct profiles"
    peer = "Werkzeug dev server (threaded), same app and requests"
    yield {
        "name": f"serve: POST /api/match throughput, {label}",
        "value": round(ours["rps"], 1),
        "unit": "requests/s",
        "peer": peer,
        "peer_value": round(dev["rps"], 1),
        "higher_is_better": True,
    }
    yield {
        "name": f"serve: POST /api/match p95 latency, {label}",
        "value": ours["p95_ms"],
        "unit": "ms",
        "peer": peer,
        "peer_value": dev["p95_ms"],
    }
    yield {
        "name": f"serve: POST /api/match errors (non-200), {label}",
        "value": ours["errors"],
        "unit": "requests",
        "peer": peer,
        "peer_value": dev["errors"],
    }
    yield {
        "name": f"serve: GET /api/isochrone, arbitrary point, {ISOCHRONE_BANDS} min (median)",
        "value": iso,
        "unit": "s",
        "peer": "target: under 1 s",
        "peer_value": 1.0,
    }
