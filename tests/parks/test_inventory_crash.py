"""Killing a process in the middle of an import or a status change leaves old or new, never half.

Each run forks a process that imports a lot layer (drive times computed, then one store
transaction) or moves a lot's status, and kills it (SIGKILL) at a random moment within the
time such a run takes. Afterwards the store must hold exactly the old state or the new one,
every lot must have its drive times and no drive times may belong to a missing lot, the lot's
history must match its version, and no file other than the store's own may be left behind.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import func, select

from parks.access import access_network
from parks.data import gpkg_path, load_layers
from parks.inventory import CurrentLayers, open_store
from parks.inventory.models import LotAccessRow, LotEdit, LotRecord
from parks.inventory.workflow import change_lot
from parks.lot_import import apply_lot_import, compute_drive_times, prepare_lot_import
from tests.conftest import DATA_DIR

MOVED = "inaho/2"
FIRST = "katatsu/1"
RUNS = 15  # of each kind: 30 killed runs in all
STORE_FILES = {"inventory.sqlite", "inventory.sqlite-wal", "inventory.sqlite-shm", "inventory.lock"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()"),
]


def _statuses(store) -> dict[str, str]:
    with store.read() as s:
        return dict(s.execute(select(LotRecord.lot_id, LotRecord.status)).all())


def _check_consistent(store, states: list[dict[str, str]], data_dir: Path, store_dir: Path) -> int:
    now = _statuses(store)
    assert now in states, f"half-applied state {now}"
    with store.read() as s:
        lots = set(s.scalars(select(LotRecord.lot_id)))
        with_access = set(s.scalars(select(LotAccessRow.lot_id).distinct()))
        versions = dict(s.execute(select(LotRecord.lot_id, LotRecord.version)).all())
        counts = dict(
            s.execute(select(LotEdit.lot_id, func.count()).group_by(LotEdit.lot_id)).all()
        )
    wrong = {k: (v, counts.get(k, 0)) for k, v in versions.items() if counts.get(k, 0) != v - 1}
    assert wrong == {}, f"history and versions disagree: {wrong}"
    assert with_access == lots, "lots and drive times disagree"
    assert {p.name for p in store_dir.iterdir()} <= STORE_FILES
    assert sorted(p.name for p in data_dir.iterdir() if "tmp" in p.name) == []
    return states.index(now)


def _run_killed(target, delay: float) -> bool:
    """Fork, run ``target`` in the child, kill it after ``delay`` s; True if it finished first."""
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        try:
            target()
        finally:
            os._exit(0)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            return True
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return False


def test_kills_during_imports_and_status_changes_leave_old_or_new(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    os.link(gpkg_path(DATA_DIR), gpkg_path(data_dir))  # read-only use: a link, not a copy
    store_dir = tmp_path / "store"
    baseline = load_layers(data_dir)
    access_network(baseline)  # built once here; the forked children share it
    store = open_store(instance_dir=store_dir, data_dir=data_dir, layers=baseline)
    current = CurrentLayers(store, baseline)
    lots = baseline.lots_of("katatsu")[["park_id", "lot_no", "status", "geometry"]]
    lots = lots.reset_index(drop=True)
    variants = []
    for status in ("reserved", "available"):
        frame = gpd.GeoDataFrame(lots.copy(), geometry="geometry", crs=baseline.lots.crs)
        frame.loc[0, "status"] = status
        variants.append(frame.to_json().encode())
    with store.read() as s:
        version = s.get(LotRecord, MOVED).version
    change_lot(
        store,
        MOVED,
        {"status": "available"},
        expected_version=version,
        user="setup",
        reason="re-offered for the test",
    )
    store.dispose()

    def do_import(k: int) -> None:
        child = open_store(instance_dir=store_dir)
        layers = CurrentLayers(child, baseline).get()
        plan = prepare_lot_import(variants[k % 2], "lots.geojson", layers)
        apply_lot_import(child, plan, compute_drive_times(plan, layers), user="crash")

    def do_move(status: str) -> None:
        child = open_store(instance_dir=store_dir)
        with child.read() as s:
            lot = s.get(LotRecord, MOVED)
            version = lot.version
        change_lot(
            child,
            MOVED,
            {"status": status},
            expected_version=version,
            user="crash",
            reason="crash test",
        )

    # time one undisturbed run of each, to spread the kills over it
    start = time.perf_counter()
    assert _run_killed(lambda: do_import(0), 60)
    import_s = time.perf_counter() - start
    start = time.perf_counter()
    assert _run_killed(lambda: do_move("planned"), 30)
    move_s = time.perf_counter() - start
    rng = random.Random(20261129)
    finished = 0
    for k in range(RUNS):
        before = _statuses(store)
        after_import = dict(before, **{FIRST: ("reserved", "available")[(k + 1) % 2]})
        finished += _run_killed(lambda k=k: do_import(k + 1), rng.uniform(0, import_s * 1.1))
        _check_consistent(store, [before, after_import], data_dir, store_dir)
        before = _statuses(store)
        target = "planned" if before[MOVED] == "available" else "available"
        moved = dict(before, **{MOVED: target})
        finished += _run_killed(lambda t=target: do_move(t), rng.uniform(0, move_s * 1.1))
        _check_consistent(store, [before, moved], data_dir, store_dir)
    assert finished < 2 * RUNS, "no run was interrupted: the kill times are too late"
    assert current.get() is not None
    store.dispose()
