"""Many people editing one lot at once through the real server (gunicorn, several workers).

50 threads x 20 edits on one lot. Each edit reads the lot (version, price) and posts price + 1
with the version it read. Expected: no lost update (final price = start + accepted edits),
exactly one history row per accepted edit, and every edit made on an old version refused
(409). Runs on SQLite and, when CI provides one, on PostgreSQL + PostGIS.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from parks.inventory import open_store
from parks.inventory.models import LotEdit, LotRecord
from tests.inventory_backends import BACKENDS, store_config
from tests.shapes import write_dataset
from tests.webapp.staff_helpers import PASSWORD, make_accounts
from webapp import create_app

THREADS = 50
EDITS = 20
WORKERS = 4
LOT = "techno-park/1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PRICE = re.compile(r'name="price_per_m2"[^>]*value="(\d*)"')

pytestmark = [
    pytest.mark.slow,
    # a file object of the server subprocess machinery is collected late; not the app's
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            msg = f"gunicorn exited: {log.read_text()[-3000:]}"
            raise RuntimeError(msg)
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


@pytest.fixture(params=BACKENDS)
def server(request, tmp_path: Path):
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("gunicorn is not installed in this environment")
    data_dir = write_dataset(tmp_path / "data")
    with store_config(request.param, tmp_path) as config:
        settings = {"DATA_DIR": str(data_dir), **config}
        app = create_app({**settings, "SECRET_KEY": "concurrency-test-key"})
        make_accounts(app)
        app.extensions["siting_store"].dispose()  # the server processes open their own
        port = _free_port()
        env = {
            **os.environ,
            **{f"SITING_{k}": v for k, v in settings.items()},
            "SITING_SECRET_KEY": "concurrency-test-key",
            "SITING_RATELIMIT_ENABLED": "false",
        }
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        log = tmp_path / "gunicorn.log"
        log_file = log.open("wb")
        proc = subprocess.Popen(
            [
                gunicorn,
                "-w",
                str(WORKERS),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "webapp:create_app()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(base + "/staff/login", proc, log)
            yield base, settings
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log_file.close()


def _session(base: str) -> tuple[requests.Session, str]:
    s = requests.Session()
    token = CSRF.search(s.get(base + "/staff/login", timeout=30).text).group(1)
    r = s.post(
        base + "/staff/login",
        data={"name": "staff1", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 303
    token = CSRF.search(s.get(f"{base}/staff/lots/{LOT}", timeout=30).text).group(1)
    return s, token


def test_fifty_threads_edit_one_lot_without_lost_updates(server) -> None:
    base, settings = server
    store = open_store(settings.get("DATABASE_URL"), instance_dir=Path(settings["STORE_DIR"]))
    with store.read() as s:
        start = s.get(LotRecord, LOT)
        v0, p0 = start.version, start.price_per_m2 or 0.0
    outcomes: list[tuple[int, int]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            session, token = _session(base)
            for _ in range(EDITS):
                rows = session.get(base + "/staff/lots.json", timeout=60).json()["lots"]
                lot = next(r for r in rows if r["lot_id"] == LOT)
                price = (lot["price_per_m2"] or 0) + 1
                r = session.post(
                    f"{base}/staff/lots/{LOT}",
                    data={
                        "csrf_token": token,
                        "version": str(lot["version"]),
                        "price_per_m2": f"{price:.0f}",
                    },
                    allow_redirects=False,
                    timeout=60,
                )
                with lock:
                    outcomes.append((r.status_code, lot["version"]))
        except Exception as exc:  # reported below, so a thread's failure fails the test
            with lock:
                errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert errors == []
    assert len(outcomes) == THREADS * EDITS
    codes = {code for code, _ in outcomes}
    assert codes <= {303, 409}, codes
    accepted = [v for code, v in outcomes if code == 303]
    assert accepted, "no edit was accepted"
    assert sorted(accepted) == list(range(v0, v0 + len(accepted)))  # one winner per version
    with store.read() as s:
        lot = s.get(LotRecord, LOT)
        version, price = lot.version, lot.price_per_m2
        history = sorted(
            s.scalars(
                select(LotEdit.version).where(LotEdit.lot_id == LOT, LotEdit.version > v0)
            ).all()
        )
    assert version == v0 + len(accepted)
    assert price == p0 + len(accepted)  # no lost update
    assert len(history) == len(accepted)  # exactly one event per accepted edit
    assert history == list(range(v0 + 1, v0 + len(accepted) + 1))
    store.dispose()
